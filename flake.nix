{
  description = "nix-pgo: profile-guided optimization of Rust programs as cached, reproducible Nix derivations";

  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";

  outputs =
    { self, nixpkgs }:
    let
      # The library for a toolchain value (nix/toolchain/*.nix).
      mkLib = toolchain: import ./nix { inherit toolchain; };
      libFor = pkgs: mkLib (import ./nix/toolchain/nixpkgs.nix { inherit pkgs; });
      # Reads the environment: only under `--impure`, only for `.#host.*`.
      hostLib = mkLib (import ./nix/toolchain/host.nix { });

      demo = lib: import ./workloads/pulldown-cmark { nixPgo = lib; };

      # The demo's stages. Attribute names are literal: `nix build .#x` evaluates the names
      # of packages.<system> and legacyPackages.<system>, and they must not force nixpkgs
      # (or the host toolchain) just to be listed.
      stages = lib: let d = demo lib; in {
        baseline = d.baseline;
        instrumented = d.instrumented;
        profile = d.profile;
        # The profile rebuilt from the workloads, whether or not the package is locked.
        profile-unlocked = d.profileUnlocked;
        optimized = d.optimized;
        bolt-input = d.boltInput;
        bolt-instrumented = d.boltInstrumented;
        bolt-profile = d.boltProfile;
        bolted = d.bolted;
        evaluation = d.evaluation;
        update-profile = d.updateProfile;
        helper = lib.helper;
        default = d.optimized;
      };
      nixpkgsStages = system: stages (libFor nixpkgs.legacyPackages.${system});
    in
    {
      lib = {
        inherit mkLib;
        # `nix-pgo.lib.forPkgs pkgs` gives buildPgoPackage & co. on nixpkgs' toolchain.
        forPkgs = libFor;
        # The host toolchain (rustup + Debian LLVM); needs --impure.
        host = hostLib;
      };

      # `nix run .#update-profile`: rerun the demo's workloads and write its lock.
      apps = {
        x86_64-linux.update-profile = {
          type = "app";
          program = "${self.packages.x86_64-linux.update-profile}/bin/update-profile";
        };
        aarch64-linux.update-profile = {
          type = "app";
          program = "${self.packages.aarch64-linux.update-profile}/bin/update-profile";
        };
      };

      packages = {
        x86_64-linux = nixpkgsStages "x86_64-linux";
        aarch64-linux = nixpkgsStages "aarch64-linux";
      };

      legacyPackages.x86_64-linux.host =
        stages hostLib
        // {
          profiles = (demo hostLib).profiles;
          boltProfiles = (demo hostLib).boltProfiles;
          # Only when the demo is locked (workloads/pulldown-cmark/pgo.lock.json).
          profile-fresh = (demo hostLib).profileFresh;
          lib = hostLib;
        };
    };
}
