using Gim.MLNet.Data.Sachs;

namespace Gim.MLNet.Scoring;

/// <summary>
/// BENCHMARK task (b): a model's target probabilities π over the targeted conditions × 11 variables, scored against
/// <see cref="SachsDataset.NominalTargetMask"/>. Inhibitors act on activity, not on the measured phosphorylation,
/// so the nominal targets are "the intervened mechanism", a noisy label (see the data README).
/// </summary>
/// <param name="Conditions">The scored conditions (rows of <paramref name="Probabilities"/> and <paramref name="Nominal"/>).</param>
/// <param name="Probabilities">π per condition and variable (in <see cref="SachsDataset.VariableNames"/> order).</param>
/// <param name="Nominal">The nominal targets, same shape.</param>
/// <param name="Auroc">AUROC of π against the nominal targets, over all condition × variable pairs.</param>
/// <param name="Auprc">AUPRC of the same.</param>
public sealed record SachsTargetScore(IReadOnlyList<string> Conditions, float[][] Probabilities, bool[][] Nominal, double Auroc, double Auprc);
