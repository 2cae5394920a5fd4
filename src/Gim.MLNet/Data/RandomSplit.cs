namespace Gim.MLNet.Data;

/// <summary>Seeded random splits of a <see cref="PerturbationDataset"/> into training and held-out cells.</summary>
public static class RandomSplit
{
    /// <summary>
    /// Splits the cells of every context at random into a training part (a fraction
    /// <paramref name="trainFraction"/>, rounded) and a held-out part, so every context appears in
    /// both (a context with at least 2 cells keeps at least one cell on each side). Contexts, names
    /// and features are kept; cells keep their original order within each part. The same seed
    /// gives the same split.
    /// </summary>
    /// <param name="data">The data set.</param>
    /// <param name="trainFraction">The share of each context's cells used for training, in (0, 1).</param>
    /// <param name="seed">The random seed.</param>
    public static (PerturbationDataset Train, PerturbationDataset Test) WithinContexts(PerturbationDataset data, double trainFraction = 0.8, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (!(trainFraction > 0 && trainFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(trainFraction), trainFraction, "The training fraction must be strictly between 0 and 1.");
        var random = new Random(seed);
        var train = new List<PerturbationContext>();
        var test = new List<PerturbationContext>();
        foreach (PerturbationContext context in data.Contexts)
        {
            int n = context.SampleCount;
            int[] order = Enumerable.Range(0, n).ToArray();
            random.Shuffle(order);
            int nTrain = (int)Math.Round(trainFraction * n);
            if (n >= 2) nTrain = Math.Clamp(nTrain, 1, n - 1);
            int[] trainRows = order[..nTrain], testRows = order[nTrain..];
            Array.Sort(trainRows);
            Array.Sort(testRows);
            train.Add(Subset(context, trainRows));
            test.Add(Subset(context, testRows));
        }
        return (new PerturbationDataset(train, data.VariableNames, data.FeatureNames),
                new PerturbationDataset(test, data.VariableNames, data.FeatureNames));
    }

    private static PerturbationContext Subset(PerturbationContext context, int[] rows)
    {
        int d = context.Samples.GetLength(1);
        var samples = new float[rows.Length, d];
        for (int i = 0; i < rows.Length; i++)
            for (int j = 0; j < d; j++)
                samples[i, j] = context.Samples[rows[i], j];
        return new PerturbationContext(context.Name, (float[])context.Features.Clone(), samples, context.IsControl, context.Group);
    }
}
