# hasStage :: pipeline -> stage -> bool
#
# Whether a pipeline (buildPgoPackage's or buildGoPgoPackage's result) has a stage of the
# registry (stages.nix): of its language, and with what the stage needs in the pipeline's
# `has` (its `bolt`, `lockedOnly` and `needs`). Never the stage itself: whether `profile`
# is null, say, would read the lock entry and so evaluate the toolchain, and listing jobs
# and checks (`nix flake show`, CI's job list) must do neither. A pipeline without `has`
# (assembled by hand) is asked the stage itself.
pipeline: stage:
builtins.elem (pipeline.language or "rust") stage.languages
  && (
  if pipeline ? has then
    (!stage.bolt || pipeline.has.bolt)
    && (!stage.lockedOnly || pipeline.has.lock)
    && builtins.all (need: pipeline.has.${need}) stage.needs
  else
    (pipeline.${stage.attr} or null) != null
)
