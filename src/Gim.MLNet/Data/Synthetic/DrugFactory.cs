using Gim.MLNet.Runtime;

namespace Gim.MLNet.Data.Synthetic;

/// <summary>
/// Draws drugs and their descriptors. The descriptor map is fixed for the screen: per-variable unit
/// vectors e_j ("binding fingerprint") and e'_j ("effect signature") for <see cref="DescriptorKind.Embedding"/>,
/// per-(variable, direction) bit positions for <see cref="DescriptorKind.Fingerprint"/>; so drugs that hit
/// the same variables look alike, which is what lets a model generalise to new drugs.
/// </summary>
internal sealed class DrugFactory
{
    private readonly HillScreenOptions _options;
    private readonly double[][] _binding = [];
    private readonly double[][] _effect = [];
    private readonly int[][] _keyBits = []; // key 2j: an up-shift of variable j; 2j + 1: a down-shift

    /// <summary>Draws the descriptor map from <paramref name="mapRng"/> (the embedding or the fingerprint stream).</summary>
    public DrugFactory(HillScreenOptions options, SeededRandom mapRng)
    {
        _options = options;
        if (options.Descriptor == DescriptorKind.Fingerprint)
        {
            _keyBits = new int[2 * options.Variables][];
            for (int key = 0; key < _keyBits.Length; key++)
                _keyBits[key] = mapRng.Subset(options.FingerprintBits, options.FingerprintBitsPerTarget);
            return;
        }
        _binding = UnitVectors(options.Variables, options.EmbeddingDimension, mapRng);
        _effect = UnitVectors(options.Variables, options.EmbeddingDimension, mapRng);
    }

    /// <summary>
    /// Feature names: bind0.., effect0.., hill_K, hill_n, dose for embeddings; fp0.., hill_K, hill_n, dose
    /// for fingerprints.
    /// </summary>
    public static string[] FeatureNames(HillScreenOptions options)
    {
        var names = new List<string>();
        if (options.Descriptor == DescriptorKind.Fingerprint)
            for (int i = 0; i < options.FingerprintBits; i++) names.Add($"fp{i}");
        else
        {
            int e = options.EmbeddingDimension;
            for (int i = 0; i < e; i++) names.Add($"bind{i}");
            for (int i = 0; i < e; i++) names.Add($"effect{i}");
        }
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

    /// <summary>
    /// Draws drug <paramref name="index"/> from its own random stream. With a <paramref name="decoyRng"/> the
    /// descriptor is that of a decoy drug drawn from that stream instead of the drug's own.
    /// </summary>
    public DrugTruth Create(int index, string name, bool isNew, SeededRandom rng, SeededRandom? decoyRng = null)
    {
        Effect effect = DrawEffect(rng);
        float[] descriptor = decoyRng is null ? Describe(effect, rng) : Describe(DrawEffect(decoyRng), decoyRng);
        return new DrugTruth(index, name, isNew, _options.Variables, effect.Targets, effect.MaxShifts, effect.K, effect.N, descriptor)
        {
            DescriptorIsInformative = decoyRng is null,
        };
    }

    /// <summary>What a drug does: its targets (ascending), their maximal shifts, and its Hill K and n.</summary>
    internal sealed record Effect(int[] Targets, double[] MaxShifts, double K, double N);

    private Effect DrawEffect(SeededRandom rng)
    {
        HillScreenOptions o = _options;
        int targetCount = o.MinTargets + rng.NextInt(o.MaxTargets - o.MinTargets + 1);
        int[] targets = rng.Subset(o.Variables, targetCount);
        var maxShifts = new double[targetCount];
        for (int t = 0; t < targetCount; t++)
            maxShifts[t] = rng.Sign() * rng.Uniform(o.ShiftMin, o.ShiftMax);
        double k = rng.Uniform(o.HillKMin, o.HillKMax);
        double n = rng.Uniform(o.HillExponentMin, o.HillExponentMax);
        return new Effect(targets, maxShifts, k, n);
    }

    /// <summary>
    /// The descriptor of a drug with this effect, its noise (and, for a fingerprint, its bits) drawn from
    /// <paramref name="rng"/>. The number of draws does not depend on the signs of the shifts, so with the
    /// sign not encoded two effects that differ only in sign get the same descriptor from the same stream.
    /// </summary>
    internal float[] Describe(Effect effect, SeededRandom rng) =>
        _options.Descriptor == DescriptorKind.Fingerprint ? Fingerprint(effect, rng) : Embedding(effect, rng);

    private float[] Embedding(Effect effect, SeededRandom rng)
    {
        HillScreenOptions o = _options;
        int e = o.EmbeddingDimension;
        var descriptor = new double[2 * e + 2];
        for (int t = 0; t < effect.Targets.Length; t++)
        {
            int j = effect.Targets[t];
            double a = o.DescriptorSignEncoded ? effect.MaxShifts[t] : Math.Abs(effect.MaxShifts[t]);
            for (int i = 0; i < e; i++)
            {
                descriptor[i] += _binding[j][i];
                // "/ 4" keeps the signature entries on the scale of the binding entries (|a| ≤ 4 by default).
                descriptor[e + i] += a * _effect[j][i] / 4;
            }
        }
        descriptor[2 * e] = effect.K;
        descriptor[2 * e + 1] = effect.N;
        var noisy = new float[descriptor.Length];
        for (int i = 0; i < descriptor.Length; i++)
            noisy[i] = (float)(descriptor[i] + o.FeatureNoise * rng.Normal());
        return noisy;
    }

    private float[] Fingerprint(Effect effect, SeededRandom rng)
    {
        HillScreenOptions o = _options;
        int bits = o.FingerprintBits;
        var descriptor = new float[bits + 2];
        for (int t = 0; t < effect.Targets.Length; t++)
        {
            bool down = o.DescriptorSignEncoded && effect.MaxShifts[t] < 0;
            foreach (int bit in _keyBits[2 * effect.Targets[t] + (down ? 1 : 0)])
                if (rng.NextDouble() < o.FingerprintBitProbability) descriptor[bit] = 1;
        }
        for (int bit = 0; bit < bits; bit++)
            if (rng.NextDouble() < o.FingerprintBackgroundDensity) descriptor[bit] = 1;
        descriptor[bits] = (float)(effect.K + o.FeatureNoise * rng.Normal());
        descriptor[bits + 1] = (float)(effect.N + o.FeatureNoise * rng.Normal());
        return descriptor;
    }
}
