// One line naming the missing script's path.
def log = new File(basedir, 'build.log').text
def line = log.readLines().find { it.contains('link script not found:') }
assert line != null : "no 'link script not found' line"
assert line.contains('scripts/missing.ld')
return true
