namespace Gim.MLNet.Peers;

/// <summary>
/// Settings of the MeanShift peer (a CPA-like black box): an MLP from the standardised features to the
/// mean shift of the cells, fitted by least squares on the training contexts' means.
/// </summary>
/// <remarks>
/// Defaults measured on the Hill screen (BENCHMARK.md §1, seeds 0 and 1, `peer-sweep` in the benchmarks; mean-RMSE
/// of context means in control SDs, partially / fully OOD), LearningRate 0.01 and MaxSteps 1000 fixed:
/// depth 0: weight decay 0 → 0.316 / 0.684, 1e-3 → 0.317 / 0.616, 1e-2 → 0.345 / 0.597;
/// depth 1: 0.200 / 0.717, 0.188 / 0.531, 0.319 / 0.576; depth 2: 0.203 / 0.621, <b>0.181 / 0.506</b>, 0.352 / 0.587.
/// Weight decay 1e-3 is the best at every depth; depth 2 is the best with it. Full batch over 161 contexts: about 1 s to fit.
/// </remarks>
public sealed class MeanShiftOptions : MlpOptions
{
}
