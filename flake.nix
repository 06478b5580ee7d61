{
  description = "nix-pgo: profile-guided optimization of Rust programs as cached, reproducible Nix derivations";

  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixpkgs-unstable";

  # Attribute names are never computed from nixpkgs or the host toolchain: `nix build .#x`
  # evaluates the names of packages.<system> and legacyPackages.<system>, `nix flake show`
  # and Hydra list every output, and none of that may force nixpkgs (which can't be fetched
  # on the development machine) or read the environment (Hydra evaluates in pure mode).
  # Names are literal or come from local files: the program list (examples/default.nix),
  # each program's workload directories, and which programs have a lock.
  outputs =
    { self, nixpkgs }:
    let
      inherit (builtins) listToAttrs mapAttrs pathExists;
      genAttrs = names: f: listToAttrs (map (name: { inherit name; value = f name; }) names);

      systems = [
        "x86_64-linux"
        "aarch64-linux"
      ];

      # The library for a toolchain value (nix/toolchain/*.nix).
      mkLib = toolchain: import ./nix { inherit toolchain; };
      libFor = pkgs: mkLib (import ./nix/toolchain/nixpkgs.nix { inherit pkgs; });
      libForSystem = system: libFor nixpkgs.legacyPackages.${system};
      # Reads the environment: only under `--impure`, only for `.#host.*` and `lib.host`.
      hostLib = mkLib (import ./nix/toolchain/host.nix { });
      # A library whose toolchain fails when used: it gives the names of every stage and
      # check without touching a real toolchain (names only, never built).
      namesLib = mkLib (throw "nix-pgo flake: a toolchain was used while only listing attribute names");

      # { <program> = directory; } and each program's pipeline for a library.
      programs = import ./examples;
      pipelines = lib: mapAttrs (_: dir: import dir { nixPgo = lib; }) programs;
      locked = mapAttrs (_: dir: pathExists (dir + "/pgo.lock.json")) programs;
      # The demo, whose stages are the top-level packages.
      demo = lib: (pipelines lib).pulldown-cmark;

      # The names of `template`, the values of `actual`: lists a set computed by `namesLib`
      # without evaluating the real toolchain.
      withNamesOf = template: actual: mapAttrs (name: _: actual.${name}) template;

      # The demo's stages, named by the stage registry (nix/stages.nix, a local file: the
      # names never depend on a toolchain): each stage that is one derivation.
      stages =
        lib:
        let
          d = demo lib;
          # What the demo has (hasStage: its `has`, from its arguments alone), asked of the
          # names-only library, so that listing packages evaluates no toolchain.
          single = builtins.filter
            (s: s.perWorkload != true && import ./nix/internal/hasStage.nix (demo namesLib) s)
            (import ./nix/stages.nix);
        in
        listToAttrs (map (s: { inherit (s) name; value = d.${s.attr}; }) single)
        // {
          # bin/report: every program's variants timed on its evaluation workloads
          # (alternating), with the deterministic figures from the derivations.
          report = lib.report { programs = pipelines lib; };
          helper = lib.helper;
          # The variant to ship: the fastest that never loses to baseline (stages/best).
          default = d.best;
        }
        # Each program's optimized build under its own name (`.#pulldown-cmark`).
        // mapAttrs (_: p: p.optimized) (pipelines lib);

      # checks.<system> and .#host.checks (nix/checksFor.nix says what each one runs).
      checksFor = lib: lib.checksFor { pipelines = pipelines lib; inherit locked; };
      checks = lib: withNamesOf (checksFor namesLib) (checksFor lib);

      # Every stage of every program, one attribute per derivation (nix/stagesOf.nix).
      jobs = lib: withNamesOf (mapAttrs (_: namesLib.stagesOf) (pipelines namesLib)) (mapAttrs (_: lib.stagesOf) (pipelines lib));

      devShellFor =
        pkgs:
        pkgs.mkShell {
          packages = [
            pkgs.rustc
            pkgs.cargo
            # The LLVM rustc links: its llvm-profdata reads rustc's profiles.
            pkgs.rustc.llvm
            pkgs.rustc.llvmPackages.bolt
            pkgs.valgrind
            (libFor pkgs).helper
          ];
        };

      app = drv: bin: {
        type = "app";
        program = "${drv}/bin/${bin}";
      };
    in
    {
      lib = {
        inherit mkLib;
        # `nix-pgo.lib.forPkgs pkgs` gives buildPgoPackage & co. on nixpkgs' toolchain.
        forPkgs = libFor;
        # The host toolchain (rustup + Debian LLVM); needs --impure.
        host = hostLib;
      };

      # Adds the helper and the library, on the nixpkgs it is applied to.
      overlays.default = final: _prev: {
        nix-pgo = (libFor final).helper;
        nixPgoLib = libFor final;
      };

      packages = genAttrs systems (system: stages (libForSystem system));

      # programs.<program>: each program's whole pipeline
      # (`.#programs.pulldown-cmark.profiles.guide`).
      # host: the same on the host toolchain, with --impure (x86_64-linux only).
      legacyPackages = genAttrs systems (
        system:
        { programs = pipelines (libForSystem system); }
        // (
          if system == "x86_64-linux" then
            {
              host =
                stages hostLib
                // {
                  programs = pipelines hostLib;
                  profiles = (demo hostLib).profiles;
                  boltProfiles = (demo hostLib).boltProfiles;
                  # The flake's checks and Hydra jobs, on the host toolchain.
                  checks = checks hostLib;
                  hydraJobs = jobs hostLib;
                  lib = hostLib;
                };
            }
          else
            { }
        )
      );

      checks = genAttrs systems (system: checks (libForSystem system));

      apps = genAttrs systems (system: {
        # `nix run .#update-profile`: rerun the demo's workloads and write its lock.
        update-profile = app self.packages.${system}.update-profile "update-profile";
        # `nix run .#nix-pgo -- merge …`: the helper.
        nix-pgo = app self.packages.${system}.helper "nix-pgo";
        # `nix run .#report -- --out DIR`: report.json, report.md and a chart per program.
        report = app self.packages.${system}.report "report";
      });

      devShells = genAttrs systems (system: {
        default = devShellFor nixpkgs.legacyPackages.${system};
      });

      # What tests/cases/00-lint.sh checks every .nix file with (nixfmt can't be installed
      # where nix-pgo is developed and tested; scripts/setup-lint).
      formatter = genAttrs systems (system: nixpkgs.legacyPackages.${system}.nixpkgs-fmt);

      # Hydra: hydraJobs.<program>.<stage>.<system>, one job per stage, so each stage is
      # built, cached and substitutable on its own; hydraJobs.nix-pgo.{helper,devShell}.
      hydraJobs =
        let
          perSystem = genAttrs systems (system: jobs (libForSystem system));
        in
        mapAttrs
          (
            program: stageSet: mapAttrs (stage: _: genAttrs systems (system: perSystem.${system}.${program}.${stage})) stageSet
          )
          (jobs namesLib)
        // {
          nix-pgo = {
            helper = genAttrs systems (system: (libForSystem system).helper);
            devShell = genAttrs systems (system: self.devShells.${system}.default);
          };
        };
    };
}
