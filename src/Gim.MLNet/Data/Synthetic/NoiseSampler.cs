using Gim.MLNet.Runtime;

namespace Gim.MLNet.Data.Synthetic;

/// <summary>Draws standardised exogenous noise (mean 0, variance 1); the screen multiplies by σ_j.</summary>
internal sealed class NoiseSampler
{
    private readonly NoiseKind _kind;
    private readonly double _degreesOfFreedom;
    private readonly double _studentScale;

    public NoiseSampler(NoiseKind kind, double studentTDegreesOfFreedom)
    {
        _kind = kind;
        _degreesOfFreedom = studentTDegreesOfFreedom;
        // Var(t_ν) = ν/(ν − 2): this factor brings it to 1.
        _studentScale = Math.Sqrt((studentTDegreesOfFreedom - 2) / studentTDegreesOfFreedom);
    }

    /// <summary>One standardised draw.</summary>
    public double Next(SeededRandom rng)
    {
        switch (_kind)
        {
            case NoiseKind.Gaussian:
                return rng.Normal();
            case NoiseKind.Laplace:
                // A standard exponential with a random sign is Laplace(scale 1), variance 2.
                return rng.Sign() * -Math.Log(rng.NextDoubleOpenAtZero()) / Math.Sqrt(2.0);
            case NoiseKind.StudentT:
                // t_ν = Z / sqrt(χ²_ν / ν), with χ²_ν = 2·Gamma(ν/2).
                double z = rng.Normal();
                double chiSquare = 2.0 * rng.Gamma(_degreesOfFreedom / 2.0);
                return _studentScale * z / Math.Sqrt(chiSquare / _degreesOfFreedom);
            default:
                throw new InvalidOperationException($"Unknown noise kind {_kind}.");
        }
    }
}
