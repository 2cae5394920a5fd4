using Gim.MLNet.Runtime;

namespace Gim.MLNet.Causal;

/// <summary>
/// The fixed standard-normal draws z behind the nonlinear model's Monte Carlo mean
/// E[x] ≈ (1/M) Σ_m x*(b + t⊙ψ + s'⊙z_m). Drawn by the project's own generator (not TorchSharp's), so the
/// TorchSharp model and the ONNX exporter, which embeds them as a constant, use bit-identical draws.
/// </summary>
internal static class NonlinearMeanNoise
{
    /// <summary>A stream id of its own, so these draws are unrelated to any other use of the seed.</summary>
    private const ulong Stream = 0x4E4C4D45414E; // "NLMEAN"

    /// <summary>[samples, variables] standard-normal values for <paramref name="seed"/>.</summary>
    public static float[,] Draw(int samples, int variables, int seed)
    {
        var rng = new SeededRandom(seed, Stream);
        var z = new float[samples, variables];
        for (int m = 0; m < samples; m++)
            for (int j = 0; j < variables; j++)
                z[m, j] = (float)rng.Normal();
        return z;
    }
}
