// The failure names the user's source line and the rule, not the plugin's stack.
def log = new File(basedir, 'build.log').text
assert log.contains('BrokenImage.java:18') : "the error does not name BrokenImage.java:18"
assert log.contains('add: operand imm = 5000')
assert !new File(basedir, 'build/kernel.img').exists()
return true
