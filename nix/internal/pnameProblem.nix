# pnameProblem :: string -> string or null
#
# What is wrong with a package's pname, which names every stage's store path, or null.
# buildPgoPackage and buildGoPgoPackage share it (Go's refused a '.', which store paths
# allow).
pname:
if builtins.match "[A-Za-z0-9_][A-Za-z0-9_.+-]*" pname != null then null
else "pname '${pname}' can't name a store path: use letters, digits and '-', '_', '.', '+'."
