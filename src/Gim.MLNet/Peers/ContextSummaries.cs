using Gim.MLNet.Data;

namespace Gim.MLNet.Peers;

/// <summary>
/// Every training context summarised in standardised units, in double: its features [K, p], its mean cell [K, d] and
/// its per-variable population variance [K, d], in the data's context order. The peers that see the cells only
/// through these moments fit on them: the MLP peers (as tensors, <see cref="ContextMomentTensors"/>), TrainingMean (the
/// average of the perturbed contexts' means) and LinearFeatures (ridge of the means on the features).
/// </summary>
internal sealed record ContextSummaries(double[,] Features, double[,] Means, double[,] Variances)
{
    public static ContextSummaries Create(PerturbationDataset data, Standardizer variables, Standardizer features)
    {
        int k = data.Contexts.Count, d = data.VariableCount, p = data.FeatureCount;
        var x = new double[k, p];
        var means = new double[k, d];
        var variances = new double[k, d];
        for (int c = 0; c < k; c++)
        {
            PerturbationContext context = data.Contexts[c];
            float[] f = features.Transform(context.Features);
            for (int j = 0; j < p; j++) x[c, j] = f[j];
            float[,] z = variables.Transform(context.Samples);
            int n = context.SampleCount;
            for (int j = 0; j < d; j++)
            {
                double mean = 0, squares = 0;
                for (int i = 0; i < n; i++) mean += z[i, j];
                mean /= n;
                for (int i = 0; i < n; i++) squares += (z[i, j] - mean) * (z[i, j] - mean);
                means[c, j] = mean;
                variances[c, j] = squares / n;
            }
        }
        return new ContextSummaries(x, means, variances);
    }
}
