using System.Diagnostics;
using Gim.MLNet.Data;
using static TorchSharp.torch;

namespace Gim.MLNet.Baselines;

/// <summary>
/// Fits the MeanShift peer (BENCHMARK.md §3): an MLP f(γ) minimising Σ_k ‖f(γ_k) − m_k‖² / (K·d) over the
/// training contexts (controls included, each context counting once), where m_k is context k's mean in
/// control standard deviations, plus the weight penalty.
/// </summary>
public sealed class MeanShiftTrainer
{
    private readonly MeanShiftOptions _options;

    /// <summary>Creates a trainer; the options are validated here.</summary>
    /// <param name="options">Settings; null for the defaults.</param>
    public MeanShiftTrainer(MeanShiftOptions? options = null)
    {
        _options = (MeanShiftOptions)(options ?? new MeanShiftOptions()).Clone();
        _options.Validate();
    }

    /// <summary>Fits the MLP.</summary>
    /// <param name="train">Training contexts; at least one control, at least 2 cells per context.</param>
    public MeanShiftModel Fit(PerturbationDataset train)
    {
        ArgumentNullException.ThrowIfNull(train);
        train.Validate(requireControl: true, minSamplesPerContext: 2);
        var clock = Stopwatch.StartNew();
        var (variables, features) = BaselineStatistics.Standardizers(train);
        int d = train.VariableCount;
        using var threads = AdamLoop.Prepare(_options.Threads, d, _options.Seed);
        var mlp = new FeatureMlp(train.FeatureCount, d, _options.Depth, _options.Width);
        try
        {
            using var moments = ContextMoments.Create(train, variables, features);
            AdamLoop.Run(mlp.parameters(), _options.LearningRate, _options.MaxSteps, _options.CancellationToken, _ =>
            {
                Tensor error = (mlp.forward(moments.Features) - moments.Means).square().mean();
                return error + _options.WeightDecay * mlp.WeightPenalty();
            }, "MeanShift");
            mlp.eval();
        }
        catch
        {
            mlp.Dispose();
            throw;
        }
        var controls = new CellTable(new[] { BaselineStatistics.Pool(train.Controls.Select(c => c.Samples).ToList(), d) }, d);
        return new MeanShiftModel(train, variables, features, mlp, controls, clock.Elapsed);
    }
}
