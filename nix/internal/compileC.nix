# compileC :: { name, source, output, flags, libraries ? [ ] } -> drv
#
# One C file compiled with the toolchain's cc into $out/<output>: the small native pieces
# nix-pgo puts beside a program (fixedRandom, fixedProc, oneCpu, trainingRuntime). The
# script reads like the command a person would type, and its text is all that differs
# between them, so each piece rebuilds only when its own source or flags change.
{ mkStage
, toolchain
,
}:
{
  # Derivation name, "nix-pgo-<piece>"; the build script is named after the piece.
  name
, # The C file.
  source
, # Where the result goes in $out, e.g. "lib/libnix-pgo-fixed-proc.so".
  output
, # cc's flags before -o, e.g. [ "-shared" "-fPIC" "-O2" ].
  flags
, # Libraries to link, after the source, e.g. [ "-ldl" ].
  libraries ? [ ]
}:
let
  prefix = "nix-pgo-";
  piece =
    if builtins.substring 0 (builtins.stringLength prefix) name == prefix
    then builtins.substring (builtins.stringLength prefix) (-1) name
    else name;
  after = builtins.concatStringsSep "" (map (l: " ${l}") libraries);
in
mkStage {
  inherit name source;
  script = builtins.toFile "build-${piece}.sh" ''
    mkdir -p "$out/${dirOf output}"
    "$cc" ${toString flags} -o "$out/${output}" "$source"${after}
  '';
  inherit (toolchain) cc;
}
