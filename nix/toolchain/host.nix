# The host toolchain: rustup's rustc/cargo and Debian's LLVM tools (llvm-NN, bolt-NN),
# used where nixpkgs can't be fetched. Read at evaluation time, so it needs `--impure`;
# the builders reach these paths through the sandbox-paths that scripts/setup-host writes.
#
# Its identity (`id`) is a hash over the rustup channel manifest (which records the hash
# of every component tarball, so it names the exact rustc) and the md5sums dpkg keeps for
# the LLVM, BOLT, C compiler, linker and libc packages. Every stage puts `id` in its
# environment: a toolchain change gives every derivation a new hash.
{
  # Overrides for tests and unusual setups; by default everything is discovered.
  rustupHome ? null
, rustupToolchain ? null
, llvmBin ? null
, system ? "x86_64-linux"
, targetTriple ? "x86_64-unknown-linux-gnu"
,
}:
let
  inherit (builtins)
    attrNames
    concatStringsSep
    filter
    getEnv
    hashFile
    hashString
    head
    length
    match
    pathExists
    readDir
    readFile
    ;

  fail = msg: throw "nix-pgo host toolchain: ${msg}";

  home = getEnv "HOME";
  rustupHome' =
    if rustupHome != null then
      rustupHome
    else if getEnv "RUSTUP_HOME" != "" then
      getEnv "RUSTUP_HOME"
    else if home != "" then
      "${home}/.rustup"
    # (Pure evaluation has no currentTime: how to tell it from an environment without HOME.)
    else if !(builtins ? currentTime) then
      fail "the host toolchain is read from the environment (RUSTUP_HOME or HOME), which Nix hides from a pure evaluation: build with `--impure` (e.g. `nix build --impure .#<package>`; nix-pgo's own flake: `.#host.optimized`)."
    else
      fail "neither RUSTUP_HOME nor HOME is set, and the host toolchain is read from rustup's directory: set one of them, or give the toolchain's `rustupHome`.";

  # rustup's own precedence: RUSTUP_TOOLCHAIN, then the default in settings.toml.
  settingsFile = "${rustupHome'}/settings.toml";
  toolchainName =
    if rustupToolchain != null then
      rustupToolchain
    else if getEnv "RUSTUP_TOOLCHAIN" != "" then
      getEnv "RUSTUP_TOOLCHAIN"
    else if pathExists settingsFile then
      (fromTOML (readFile settingsFile)).default_toolchain
        or (fail "${settingsFile} names no default_toolchain; run `rustup default stable` or set RUSTUP_TOOLCHAIN.")
    else
      fail "no rustup installation at ${rustupHome'} (no settings.toml). Install Rust with rustup, or set RUSTUP_HOME.";

  toolchainsDir = "${rustupHome'}/toolchains";
  # `stable` and `stable-x86_64-unknown-linux-gnu` both name the same directory.
  candidates = [
    "${toolchainsDir}/${toolchainName}"
    "${toolchainsDir}/${toolchainName}-${targetTriple}"
  ];
  existing = filter pathExists candidates;
  rustDir =
    if existing != [ ] then
      head existing
    else
      fail "rustup toolchain '${toolchainName}' is not installed (looked for ${concatStringsSep " and " candidates}). Install it with `rustup toolchain install ${toolchainName}`.";

  # rustup ships LLVM as lib/libLLVM-<major>-rust-<version>.so; its major picks the
  # matching Debian LLVM. The helper's check-toolchain verifies it again at build time.
  llvmLibs = filter (n: match "libLLVM-[0-9]+-rust-.*" n != null) (attrNames (readDir "${rustDir}/lib"));
  llvmMajor =
    if length llvmLibs == 1 then
      head (match "libLLVM-([0-9]+)-rust-.*" (head llvmLibs))
    else
      fail "cannot tell which LLVM ${rustDir} was built with (expected one lib/libLLVM-<major>-rust-*.so, found ${toString (length llvmLibs)}).";

  llvmBin' = if llvmBin != null then llvmBin else "/usr/lib/llvm-${llvmMajor}/bin";
  llvmTool =
    name:
    let
      p = "${llvmBin'}/${name}";
    in
    if pathExists p then
      p
    else
      fail "${p} does not exist. rustc in ${rustDir} uses LLVM ${llvmMajor}; install the matching tools (Debian: `apt-get install llvm-${llvmMajor} bolt-${llvmMajor}`, or run scripts/setup-host).";

  channelManifest = "${rustDir}/lib/rustlib/multirust-channel-manifest.toml";
  rustVersion = (fromTOML (readFile channelManifest)).pkg.rustc.version;

  # dpkg's per-package md5sums: a content hash of each installed Debian package, cheap to read.
  dpkgInfo = "/var/lib/dpkg/info";
  dpkgPackages = [
    "libllvm${llvmMajor}(:amd64)?"
    "llvm-${llvmMajor}"
    "bolt-${llvmMajor}"
    "gcc-[0-9]+"
    "binutils-x86-64-linux-gnu"
    "libc6-dev(:amd64)?"
    "valgrind"
  ];
  dpkgFiles = filter
    (
      n: builtins.any (p: match "${p}\\.md5sums" n != null) dpkgPackages
    )
    (attrNames (readDir dpkgInfo));
  identityParts = [ (hashFile "sha256" channelManifest) ] ++ map (f: "${f}:${hashFile "sha256" "${dpkgInfo}/${f}"}") dpkgFiles;
in
{
  name = "host";
  inherit system targetTriple llvmMajor;
  # `nix-pgo import` refuses a Go lock for an id with this prefix (helper/src/commands/import.rs).
  id = "host-rust-${builtins.replaceStrings [ " " "(" ")" ] [ "-" "" "" ] rustVersion}-llvm${llvmMajor}-${
    builtins.substring 0 16 (hashString "sha256" (concatStringsSep "\n" identityParts))
  }";

  rustc = "${rustDir}/bin/rustc";
  cargo = "${rustDir}/bin/cargo";
  cc = "/usr/bin/cc";
  llvmProfdata = llvmTool "llvm-profdata";
  llvmBolt = llvmTool "llvm-bolt";
  mergeFdata = llvmTool "merge-fdata";
  valgrind = "/usr/bin/valgrind";
  bash = "/bin/bash";
  # The CA bundle workloads with `caCertificates = true` get (SSL_CERT_FILE): the host's,
  # copied to the store when a stage needs it, so that the sandbox has it and its content
  # is part of the stage's hash.
  caBundle =
    let
      bundle = "/etc/ssl/certs/ca-certificates.crt";
    in
    if pathExists bundle then
      builtins.path
        {
          path = bundle;
          name = "ca-certificates.crt";
        }
    else
      fail "${bundle} does not exist, and a workload asks for CA certificates (caCertificates = true). Install Debian's ca-certificates package.";
  # Shell utilities the stage scripts use (coreutils, tar, gzip, sed, grep, find, diff).
  # LLVM 14's llvm-profdata is in /usr/bin too: stages call LLVM tools by absolute path.
  path = "/usr/bin:/bin";
  # Native libraries for -sys crates: Debian's -dev packages live under /usr, already
  # visible to the builders; PKG_CONFIG_PATH entries may be added per package.
  pkgConfigPath = [ ];
  # Go (buildGoPgoPackage): the GOROOT scripts/setup-host installs; read only by Go stages.
  go = import ./hostGo.nix { };
}
