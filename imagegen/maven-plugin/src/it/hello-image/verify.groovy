// The image was built, the second build skipped the link, and the image boots to its line.
def log = new File(basedir, 'build.log').text
def img = new File(basedir, 'build/kernel.img')
assert img.isFile() : "no build/kernel.img"
assert new File(basedir, 'build/hello.elf').isFile()
assert log.contains('is up to date') : "the second build did not say it was up to date"
def qemu = ['sh', '-c', 'command -v qemu-system-aarch64'].execute().text.trim()
if (qemu.isEmpty()) {
    println "QEMU BOOT CHECK SKIPPED: no qemu-system-aarch64 on PATH"
    return true
}
def p = [qemu, '-M', 'virt', '-cpu', 'cortex-a72', '-m', '128M', '-nographic', '-nic', 'none', '-monitor', 'none',
         '-serial', 'stdio', '-kernel', img.path].execute()
def out = new StringBuilder()
p.consumeProcessOutput(out, new StringBuilder())
p.waitForOrKill(20000)
assert out.toString().contains('hello from a plugin-built image') : "serial output was: " + out
return true
