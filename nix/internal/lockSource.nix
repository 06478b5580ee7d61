# lockSource :: set -> string
#
# Where a package reads its lock and the profile copies beside it, in words, for
# update-profile's closing message: where the user commits the files it wrote. Each is
# given (an argument, even null: src is then not searched), found by convention in src
# (inSource.nix), or, for a src Nix can't read at evaluation (a derivation, such as
# crateSource's), nowhere, with the argument to give instead. buildPgoPackage and
# buildGoPgoPackage share it, as they share inSource.nix.
{
  # The package's src and arguments (to tell a given argument from a default).
  src
, args
, # Where update-profile writes the lock, relative to where it runs.
  lockPath
, # The copies: [ { arg; path (in src, and for the argument to give); what; hint; } ].
  copies
}:
let
  readable = import ./sourcePath.nix src != null;
  lock =
    if args ? lockFile then
      (if args.lockFile == null then
        "its lockFile, null in this evaluation (given, even as null, it is not searched for in src): give it the file written here, `lockFile = ./${lockPath};`, to build from the lock"
      else
        "its lockFile, ${import ./shownPath.nix args.lockFile}")
    else if readable then
      "its src's pgo.lock.json"
    else
      "nowhere yet: its src is a derivation, which Nix does not look into at evaluation, so no pgo.lock.json is searched for in it. Give it `lockFile = ./${lockPath};`";
  copy = c:
    if args ? ${c.arg} then
      "its ${c.what} from its ${c.arg}"
    else if readable then
      "its ${c.what} from its src's ${c.path}"
    else
      "its ${c.what} from nowhere either: give it `${c.arg} = ./${c.path};` (${c.hint})";
in
lock + builtins.concatStringsSep "" (map (c: ", and ${copy c}") copies)
