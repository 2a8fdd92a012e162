// The failure names the user's source line and the rule, not the plugin's stack.
def log = new File(basedir, 'build.log').text
def src = new File(basedir, 'src/main/java/broken/BrokenImage.java').readLines()
def line = src.findIndexOf { it.contains('a.add(x0, x1, 5000)') } + 1
assert line > 0
assert log.contains("BrokenImage.java:${line}") : "the error does not name BrokenImage.java:${line}"
assert log.contains('add: operand imm = 5000')
assert !new File(basedir, 'build/kernel.img').exists()
return true
