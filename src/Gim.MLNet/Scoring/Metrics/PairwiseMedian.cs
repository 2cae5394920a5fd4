namespace Gim.MLNet.Scoring;

/// <summary>
/// Exact median of the pairwise squared distances ‖z_i − z_j‖², i &lt; j, without storing all N(N−1)/2
/// of them. Small inputs are collected and sorted; large ones are narrowed by repeated histogram passes
/// (each recomputes the distances, trading O(N²d) time per pass for O(1) extra memory) until the bucket
/// holding the wanted rank is small enough to collect.
/// </summary>
internal static class PairwiseMedian
{
    /// <summary>Values collected at most at once (8 MiB of doubles).</summary>
    public const int DefaultCollectLimit = 1 << 20;

    private const int Buckets = 4096;

    /// <summary>The median (mean of the two middle values for an even count). Needs at least 2 rows.</summary>
    public static double OfSquaredDistances(RowMatrix z, int collectLimit = DefaultCollectLimit)
    {
        long count = (long)z.Rows * (z.Rows - 1) / 2;
        long lowRank = (count - 1) / 2;
        long highRank = count / 2;
        if (count <= collectLimit)
        {
            var all = Collect(z, double.NegativeInfinity, double.PositiveInfinity, (int)count);
            Array.Sort(all);
            return 0.5 * (all[lowRank] + all[highRank]);
        }
        double low = Select(z, lowRank, count, collectLimit);
        return lowRank == highRank ? low : 0.5 * (low + Select(z, highRank, count, collectLimit));
    }

    /// <summary>The value of the given 0-based rank among all pairwise squared distances.</summary>
    private static double Select(RowMatrix z, long rank, long count, int collectLimit)
    {
        var stats = new RangeStats(double.NegativeInfinity, double.PositiveInfinity);
        Scan(z, ref stats);
        double lo = stats.Min, hi = stats.Max;
        // Invariant: the wanted value lies in [lo, hi], which holds `count` values (lo and hi among them),
        // and `rank` is its rank within that range. Each pass strictly shrinks the set of distinct values
        // in range, because lo and hi always land in different buckets.
        while (lo < hi && count > collectLimit)
        {
            var histogram = new Histogram(lo, hi);
            Scan(z, ref histogram);
            int b = 0;
            while (rank >= histogram.Counts[b])
            {
                rank -= histogram.Counts[b];
                b++;
            }
            lo = histogram.Mins[b];
            hi = histogram.Maxs[b];
            count = histogram.Counts[b];
        }
        if (lo == hi) return lo;
        var values = Collect(z, lo, hi, (int)count);
        Array.Sort(values);
        return values[rank];
    }

    private static double[] Collect(RowMatrix z, double lo, double hi, int count)
    {
        var collector = new Collector(lo, hi, new double[count]);
        Scan(z, ref collector);
        return collector.Values;
    }

    private interface IVisitor
    {
        void Visit(double value);
    }

    // Generic over a struct visitor so the JIT specialises and inlines the per-pair call.
    private static void Scan<TVisitor>(RowMatrix z, ref TVisitor visitor) where TVisitor : struct, IVisitor
    {
        for (int i = 0; i < z.Rows - 1; i++)
        {
            var zi = z.Row(i);
            for (int j = i + 1; j < z.Rows; j++)
                visitor.Visit(SquaredDistance.Of(zi, z.Row(j)));
        }
    }

    private struct RangeStats(double lo, double hi) : IVisitor
    {
        public double Min = double.PositiveInfinity;
        public double Max = double.NegativeInfinity;

        public void Visit(double value)
        {
            if (value < lo || value > hi) return;
            if (value < Min) Min = value;
            if (value > Max) Max = value;
        }
    }

    private struct Histogram(double lo, double hi) : IVisitor
    {
        public readonly long[] Counts = new long[Buckets];
        public readonly double[] Mins = Filled(double.PositiveInfinity);
        public readonly double[] Maxs = Filled(double.NegativeInfinity);

        public void Visit(double value)
        {
            if (value < lo || value > hi) return;
            // Monotone in value (every step rounds monotonically), so buckets stay contiguous in order.
            int b = (int)((value - lo) / (hi - lo) * Buckets);
            if (b >= Buckets) b = Buckets - 1;
            Counts[b]++;
            if (value < Mins[b]) Mins[b] = value;
            if (value > Maxs[b]) Maxs[b] = value;
        }

        private static double[] Filled(double value)
        {
            var a = new double[Buckets];
            Array.Fill(a, value);
            return a;
        }
    }

    private struct Collector(double lo, double hi, double[] values) : IVisitor
    {
        private int _next;

        public readonly double[] Values => values;

        public void Visit(double value)
        {
            if (value < lo || value > hi) return;
            values[_next++] = value;
        }
    }
}
