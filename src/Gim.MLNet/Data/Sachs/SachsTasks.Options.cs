using Gim.MLNet.Training;

namespace Gim.MLNet.Data.Sachs;

public static partial class SachsTasks
{
    /// <summary>
    /// GIM's settings for the Sachs tasks: the library defaults (linear causal model and encoder on the 9 reagent
    /// indicators, λ_t = 3, learning rate 0.01, 2000 steps) unless the measurement in docs/sachs.md says otherwise.
    /// </summary>
    /// <param name="seed">Seed of initialisation and training.</param>
    public static GimOptions GimOptions(int seed) => new() { Seed = seed };
}
