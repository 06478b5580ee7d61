# Hydra declarative jobsets (.hydra/spec.json is the project's declaration file; set its
# `src` and `flakeUrl` inputs to where this repository lives). One flake jobset, `main`:
# Hydra evaluates the flake's hydraJobs in pure (restricted) mode and builds one job per
# stage, hydraJobs.<program>.<stage>.<system> and hydraJobs.nix-pgo.{helper,devShell}.<system>.
# A plain derivation (Hydra gives this file no nixpkgs): its output is the jobsets' JSON.
{ flakeUrl ? "git+https://example.org/nix-pgo?ref=main"
, ...
}:
{
  jobsets = derivation {
    name = "nix-pgo-jobsets.json";
    system = "x86_64-linux";
    builder = "/bin/sh";
    args = [
      "-c"
      ''echo "$jobsets" >"$out"''
    ];
    jobsets = builtins.toJSON {
      main = {
        enabled = 1;
        hidden = false;
        description = "nix-pgo: every stage of every program";
        type = 1; # a flake jobset
        flake = flakeUrl;
        checkinterval = 300;
        schedulingshares = 100;
        enableemail = false;
        emailoverride = "";
        keepnr = 3;
      };
    };
  };
}
