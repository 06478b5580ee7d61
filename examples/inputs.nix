# Real-world input data for the programs' workloads: crates.io releases pinned by the
# sha256 of their .crate, unpacked (licences: README.md). Shared, so that each is fetched
# once and every program names the same release the same way.
{ crateSource }:
let
  crate =
    pname: version: sha256:
    crateSource {
      inherit pname version sha256;
    };
in
{
  # The Cargo Book (src/doc/src) and cargo's own sources.
  cargo = crate "cargo" "0.92.0" "89389877f508bae1d45a48b4e76cb0dac5e41a6ac5103752e44d29be0c69c394";
  tokio = crate "tokio" "1.48.0" "ff360e02eab121e0bc37a2d3b4d4dc622e6eda3a8e5253d5435ecf5bd4c68408";
  regex = crate "regex" "1.12.2" "843bc0191f75f3e22651ae5f1e72939ab2f72a4bc30fa80a066bd66edefc24d4";
  nom = crate "nom" "8.0.0" "df9761775871bdef83bee530e60050f7e54b1105350d6884eb0fb4f46c2f9405";
  mdbook = crate "mdbook" "0.4.52" "93c284d2855916af7c5919cf9ad897cfc77d3c2db6f55429c7cfb769182030ec";
  libc = crate "libc" "0.2.186" "68ab91017fe16c622486840e4c83c9a37afeff978bd239b5293d61ece587de66";
  # The SPDX License List data (license-list-data/json), shipped inside the `license` crate.
  spdx = crate "license" "3.9.0+3.29.0" "a6cf4fbb34524ab9d20724673c635e1b65f45f6745f469ac7192abece1a8f745";
  # A JSON parser's benchmark data (benches/*.json).
  jiter = crate "jiter" "0.18.0" "49e31424b61d85292bd805dbf643c3ccc44f5f3871fb751209b889ee70585029";
  # rhai's example scripts (scripts/*.rhai), shipped in its 1.8.0 crate: rhai's own
  # release includes only its sources.
  rhai-scripts = crate "rhai" "1.8.0" "9f8a1b0ce6aba109eb3628f36db9c1818c1d396bd5a56449d5203e96e4b713a7";
}
