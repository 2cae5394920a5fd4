using Gim.MLNet.Causal;
using Gim.MLNet.Data;
namespace Gim.MLNet.Peers;

/// <summary>
/// Starts GIM from the two-stage solution: interventions fitted per training context, then a ridge map from the
/// features (<see cref="TwoStageCausalTrainer"/>); joint training then refines both. On the Hill screen, 500 joint
/// steps from this start named the targets of new drugs better than cold GIM, at about the same MMD (docs/results.md,
/// "Warm start").
/// </summary>
public static class GimWarmStart
{
    /// <summary>Whether a model with these options can start from the two-stage map: linear causal model, depth-0 encoder, Shift.</summary>
    internal static bool Fits(GimOptions options) =>
        options.CausalModel == CausalModelKind.Linear && options.EncoderDepth == 0 && options.Interventions == InterventionKind.Shift;

    /// <summary>The two-stage fit of <paramref name="train"/> as parameters for <see cref="GimTrainer.Fit"/>'s start.</summary>
    /// <param name="train">The data GIM will be trained on.</param>
    /// <param name="options">GIM's options: the seed, threads and cancellation carry over; they must describe a linear
    /// causal model with a depth-0 encoder and Shift interventions, the shape the two-stage map has.</param>
    public static LinearGimParameters TwoStage(PerturbationDataset train, GimOptions options)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(options);
        if (!Fits(options))
            throw new ArgumentException($"A two-stage warm start needs the linear causal model, EncoderDepth 0 and Shift interventions " +
                $"(the two-stage map's shape); the options have {options.CausalModel}, depth {options.EncoderDepth}, {options.Interventions}.", nameof(options));
        using TwoStageCausalModel twoStage = new TwoStageCausalTrainer(new TwoStageCausalOptions
        {
            Seed = options.Seed,
            Threads = options.Threads,
            CancellationToken = options.CancellationToken,
        }).Fit(train);
        return twoStage.Parameters;
    }
}
