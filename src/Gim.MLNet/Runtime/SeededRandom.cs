namespace Gim.MLNet.Runtime;

/// <summary>
/// The screen's random number generator: xoshiro256** (Blackman &amp; Vigna) seeded through SplitMix64.
/// Our own implementation rather than <see cref="System.Random"/> so the bit stream is fixed by this
/// file, not by the runtime version, and so independent streams can be derived from (seed, stream,
/// index): the graph, each drug and each context draw from their own stream, which keeps, e.g., the
/// training cells unchanged when only the test sample count changes.
/// </summary>
internal sealed class SeededRandom
{
    private ulong _s0, _s1, _s2, _s3;
    private double _spareNormal;
    private bool _hasSpare;

    /// <summary>A generator for one named stream of a seed.</summary>
    public SeededRandom(int seed, ulong stream, ulong index = 0)
    {
        // Mix the three inputs through SplitMix64 so nearby seeds/streams give unrelated states.
        ulong x = SplitMix(unchecked((ulong)(long)seed) ^ 0x6A09E667F3BCC909UL);
        x = SplitMix(x ^ unchecked(stream * 0x9E3779B97F4A7C15UL));
        x = SplitMix(x ^ unchecked(index * 0xD1B54A32D192ED03UL));
        _s0 = SplitMix(ref x);
        _s1 = SplitMix(ref x);
        _s2 = SplitMix(ref x);
        _s3 = SplitMix(ref x);
    }

    private static ulong SplitMix(ulong x)
    {
        ulong state = x;
        return SplitMix(ref state);
    }

    private static ulong SplitMix(ref ulong state)
    {
        unchecked
        {
            ulong z = state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        unchecked
        {
            ulong result = RotateLeft(_s1 * 5, 7) * 9;
            ulong t = _s1 << 17;
            _s2 ^= _s0;
            _s3 ^= _s1;
            _s1 ^= _s2;
            _s0 ^= _s3;
            _s2 ^= t;
            _s3 = RotateLeft(_s3, 45);
            return result;
        }
    }

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));

    /// <summary>Uniform on [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform on (0, 1]: safe to take the logarithm of.</summary>
    public double NextDoubleOpenAtZero() => ((NextUInt64() >> 11) + 1) * (1.0 / (1UL << 53));

    /// <summary>Uniform on [min, max).</summary>
    public double Uniform(double min, double max) => min + (max - min) * NextDouble();

    /// <summary>+1 or −1 with equal probability.</summary>
    public double Sign() => (NextUInt64() >> 63) == 0 ? 1.0 : -1.0;

    /// <summary>Uniform integer on [0, count), without modulo bias (Lemire's multiply-and-reject).</summary>
    public int NextInt(int count)
    {
        if (count <= 0) throw new ArgumentOutOfRangeException(nameof(count), count, "count must be positive.");
        ulong n = (ulong)count;
        ulong threshold = unchecked(0UL - n) % n;
        while (true)
        {
            ulong r = NextUInt64();
            ulong high = Math.BigMul(r, n, out ulong low);
            if (low >= threshold) return (int)high;
        }
    }

    /// <summary>Standard normal by the Box–Muller transform; the second value of each pair is kept for the next call.</summary>
    public double Normal()
    {
        if (_hasSpare)
        {
            _hasSpare = false;
            return _spareNormal;
        }
        double radius = Math.Sqrt(-2.0 * Math.Log(NextDoubleOpenAtZero()));
        double angle = 2.0 * Math.PI * NextDouble();
        _spareNormal = radius * Math.Sin(angle);
        _hasSpare = true;
        return radius * Math.Cos(angle);
    }

    /// <summary>
    /// Gamma(shape, 1) by Marsaglia and Tsang's squeeze-and-reject method; shapes below 1 use the
    /// boost Gamma(shape) = Gamma(shape + 1)·U^(1/shape).
    /// </summary>
    public double Gamma(double shape)
    {
        if (shape < 1)
            return Gamma(shape + 1) * Math.Pow(NextDoubleOpenAtZero(), 1.0 / shape);
        double d = shape - 1.0 / 3.0;
        double c = 1.0 / Math.Sqrt(9.0 * d);
        while (true)
        {
            double z = Normal();
            double v = 1.0 + c * z;
            if (v <= 0) continue;
            v = v * v * v;
            double u = NextDoubleOpenAtZero();
            if (Math.Log(u) < 0.5 * z * z + d - d * v + d * Math.Log(v))
                return d * v;
        }
    }

    /// <summary>A uniformly random permutation of 0..count − 1 (Fisher–Yates).</summary>
    public int[] Permutation(int count)
    {
        var p = new int[count];
        for (int i = 0; i < count; i++) p[i] = i;
        for (int i = count - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (p[i], p[j]) = (p[j], p[i]);
        }
        return p;
    }

    /// <summary><paramref name="k"/> distinct values from 0..count − 1, in ascending order.</summary>
    public int[] Subset(int count, int k)
    {
        int[] p = Permutation(count);
        int[] chosen = p[..k];
        Array.Sort(chosen);
        return chosen;
    }
}
