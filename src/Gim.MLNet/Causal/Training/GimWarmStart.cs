using Gim.MLNet.Data;

namespace Gim.MLNet.Causal;

/// <summary>
/// Where GIM training starts instead of METHOD's zero start (<see cref="GimOptions.WarmStart"/>): parameters of a
/// linear GIM in the standardised units of the training data. <see cref="From"/> gives fixed parameters;
/// <c>TwoStageWarmStart</c> (Gim.MLNet.Peers) fits the two-stage solution on the training data.
/// </summary>
public abstract class GimWarmStart
{
    private protected GimWarmStart()
    {
    }

    /// <summary>Starts from given parameters (e.g. those of an earlier fit on the same training data).</summary>
    /// <param name="parameters">A linear GIM standardised on the data it will be trained on.</param>
    public static GimWarmStart From(LinearGimParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return new Fixed(parameters);
    }

    /// <summary>True for given parameters (<see cref="From"/>), which belong to one training set.</summary>
    internal virtual bool IsFixed => false;

    /// <summary>Throws <see cref="ArgumentException"/> when a model with these options cannot start here (before any work).</summary>
    internal virtual void Check(GimOptions options)
    {
    }

    /// <summary>The parameters to start from, for this training data and these options (seed, threads and token carry over).</summary>
    internal abstract LinearGimParameters Parameters(PerturbationDataset train, GimOptions options);

    private sealed class Fixed(LinearGimParameters parameters) : GimWarmStart
    {
        internal override bool IsFixed => true;

        internal override LinearGimParameters Parameters(PerturbationDataset train, GimOptions options) => parameters;
    }
}
