using Gim.MLNet.Data;

namespace Gim.MLNet.Tests.Support;

/// <summary>A data set's cells fed to <see cref="PerturbationStatisticsBuilder"/> as a stream arrives: not sorted by context.</summary>
internal static class ShuffledStream
{
    /// <summary>Every cell once, in a random order, in chunks of random sizes (1–299 rows), drawn from <paramref name="seed"/>.</summary>
    public static PerturbationStatistics Statistics(PerturbationDataset data, int seed)
    {
        int d = data.VariableCount;
        var rows = data.Contexts.SelectMany((c, ci) => Enumerable.Range(0, c.SampleCount).Select(i => (Context: ci, Row: i))).ToList();
        var random = new Random(seed);
        rows = rows.OrderBy(_ => random.Next()).ToList();
        using var builder = new PerturbationStatisticsBuilder(data.VariableNames, data.FeatureNames,
            data.Contexts.Select(c => new ContextStatistics.Definition(c.Name, c.Features, c.SampleCount, c.IsControl, c.Group)).ToList());
        for (int start = 0; start < rows.Count;)
        {
            int size = Math.Min(rows.Count - start, random.Next(1, 300));
            var chunk = new float[size, d];
            var labels = new int[size];
            for (int i = 0; i < size; i++)
            {
                var (ci, row) = rows[start + i];
                labels[i] = ci;
                for (int j = 0; j < d; j++) chunk[i, j] = data.Contexts[ci].Samples[row, j];
            }
            builder.Add(labels, chunk);
            start += size;
        }
        return builder.Build();
    }
}
