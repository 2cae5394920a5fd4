using Gim.MLNet.Causal;
using Gim.MLNet.Data;

namespace Gim.MLNet.Peers;

/// <summary>
/// Starts GIM from the two-stage solution (<see cref="GimOptions.WarmStart"/>): interventions fitted per training
/// context, then a ridge map from the features (<see cref="TwoStageCausalTrainer"/> with its default settings and
/// GIM's seed, threads and cancellation); joint training then refines both. On the Hill screen, 500 joint steps from
/// this start named the targets of new drugs better than cold GIM, at about the same MMD (docs/results.md, "Warm start").
/// It needs the shape the two-stage map has: the linear causal model, EncoderDepth 0 and Shift interventions.
/// </summary>
public sealed class TwoStageWarmStart : GimWarmStart
{
    internal override void Check(GimOptions options)
    {
        if (options.CausalModel != CausalModelKind.Linear || options.EncoderDepth != 0 || options.Interventions != InterventionKind.Shift)
            throw new ArgumentException("GimOptions.WarmStart = TwoStageWarmStart needs CausalModel = Linear, EncoderDepth = 0 and " +
                $"Interventions = Shift (the two-stage map's shape); they are {options.CausalModel}, {options.EncoderDepth}, {options.Interventions}.", "options");
        if (options.DoseFeature is not null)
            throw new ArgumentException($"GimOptions.WarmStart = TwoStageWarmStart needs DoseFeature unset (the two-stage map is linear in every feature, " +
                $"the dose included); it is '{options.DoseFeature}'.", "options");
    }

    internal override LinearGimParameters Parameters(PerturbationDataset train, GimOptions options)
    {
        ArgumentNullException.ThrowIfNull(train);
        Check(options);
        using TwoStageCausalModel twoStage = new TwoStageCausalTrainer(new TwoStageCausalOptions
        {
            Seed = options.SeedOrDefault,
            Threads = options.Threads,
            CancellationToken = options.CancellationToken,
        }).Fit(train);
        return twoStage.Parameters;
    }
}
