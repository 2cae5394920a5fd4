using Gim.MLNet.Runtime;

namespace Gim.MLNet.Data.Synthetic;

/// <summary>
/// Draws drugs and their descriptors. The per-variable unit vectors e_j ("binding fingerprint") and
/// e'_j ("effect signature") are fixed for the screen, so drugs that hit the same variables look
/// alike, which is what lets a model generalise to new drugs.
/// </summary>
internal sealed class DrugFactory
{
    private readonly HillScreenOptions _options;
    private readonly double[][] _binding;
    private readonly double[][] _effect;

    public DrugFactory(HillScreenOptions options, SeededRandom embeddingRng)
    {
        _options = options;
        _binding = UnitVectors(options.Variables, options.EmbeddingDimension, embeddingRng);
        _effect = UnitVectors(options.Variables, options.EmbeddingDimension, embeddingRng);
    }

    /// <summary>Feature names: bind0.., effect0.., hill_K, hill_n, dose.</summary>
    public static string[] FeatureNames(int embeddingDimension)
    {
        var names = new List<string>(2 * embeddingDimension + 3);
        for (int i = 0; i < embeddingDimension; i++) names.Add($"bind{i}");
        for (int i = 0; i < embeddingDimension; i++) names.Add($"effect{i}");
        names.Add("hill_K");
        names.Add("hill_n");
        names.Add("dose");
        return names.ToArray();
    }

    // Isotropic Gaussian directions, normalised: uniform on the sphere.
    private static double[][] UnitVectors(int count, int dimension, SeededRandom rng)
    {
        var vectors = new double[count][];
        for (int j = 0; j < count; j++)
        {
            var v = new double[dimension];
            double norm;
            do
            {
                double s = 0;
                for (int i = 0; i < dimension; i++)
                {
                    v[i] = rng.Normal();
                    s += v[i] * v[i];
                }
                norm = Math.Sqrt(s);
            } while (norm < 1e-12); // only conceivable for dimension 1
            for (int i = 0; i < dimension; i++) v[i] /= norm;
            vectors[j] = v;
        }
        return vectors;
    }

    /// <summary>Draws drug <paramref name="index"/> from its own random stream.</summary>
    public DrugTruth Create(int index, string name, bool isNew, SeededRandom rng)
    {
        HillScreenOptions o = _options;
        int d = o.Variables, e = o.EmbeddingDimension;
        int targetCount = o.MinTargets + rng.NextInt(o.MaxTargets - o.MinTargets + 1);
        int[] targets = rng.Subset(d, targetCount);
        var maxShifts = new double[targetCount];
        for (int t = 0; t < targetCount; t++)
            maxShifts[t] = rng.Sign() * rng.Uniform(o.ShiftMin, o.ShiftMax);
        double k = rng.Uniform(o.HillKMin, o.HillKMax);
        double n = rng.Uniform(o.HillExponentMin, o.HillExponentMax);

        var descriptor = new double[2 * e + 2];
        for (int t = 0; t < targetCount; t++)
        {
            int j = targets[t];
            for (int i = 0; i < e; i++)
            {
                descriptor[i] += _binding[j][i];
                // "/ 4" keeps the signature entries on the scale of the binding entries (|a| ≤ 4 by default).
                descriptor[e + i] += maxShifts[t] * _effect[j][i] / 4;
            }
        }
        descriptor[2 * e] = k;
        descriptor[2 * e + 1] = n;
        var noisy = new float[descriptor.Length];
        for (int i = 0; i < descriptor.Length; i++)
            noisy[i] = (float)(descriptor[i] + o.FeatureNoise * rng.Normal());
        return new DrugTruth(index, name, isNew, d, targets, maxShifts, k, n, noisy);
    }
}
