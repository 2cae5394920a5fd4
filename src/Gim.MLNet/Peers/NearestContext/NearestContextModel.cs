using Gim.MLNet.Data;
using Gim.MLNet.Modeling;
using Gim.MLNet.Onnx;

namespace Gim.MLNet.Peers;

/// <summary>
/// The NearestContext peer: the empirical distribution of the training context whose standardised features
/// are nearest (Euclidean) to the query's. It interpolates nothing: an unseen dose gets the cells of the
/// nearest trained dose or drug.
/// </summary>
public sealed class NearestContextModel : PerturbationModel
{
    internal NearestContextModel(PerturbationDataset train, Standardizer variables, Standardizer features,
        string[] contextNames, float[][] points, CellTable cells, TimeSpan fitTime)
        : base(train, variables, features, fitTime)
    {
        ContextNames = contextNames;
        Points = points;
        Cells = cells;
    }

    /// <summary>The candidate training contexts, in the order <see cref="NearestContext"/> indexes them.</summary>
    public IReadOnlyList<string> ContextNames { get; }

    /// <summary>Standardised features of each candidate context.</summary>
    internal float[][] Points { get; }

    /// <summary>One block of cells per candidate context.</summary>
    internal CellTable Cells { get; }

    /// <summary>
    /// Index into <see cref="ContextNames"/> of the candidate nearest to these features (the first one on a tie).
    /// The features are standardised and the distances summed in float32, as the exported ONNX graph does, so
    /// exact ties (an unseen dose midway between two trained doses of one drug) resolve the same way in both.
    /// </summary>
    /// <param name="features">The perturbation's raw features.</param>
    public int NearestContext(float[] features)
    {
        StandardizeFeatures(features);
        var z = new float[FeatureCount];
        for (int j = 0; j < z.Length; j++)
            z[j] = (features[j] - (float)FeatureStandardizer.Mean[j]) / (float)FeatureStandardizer.Scale[j];
        int best = 0;
        float bestDistance = float.PositiveInfinity;
        for (int k = 0; k < Points.Length; k++)
        {
            float distance = 0;
            for (int j = 0; j < z.Length; j++)
            {
                float diff = z[j] - Points[k][j];
                distance += diff * diff;
            }
            if (distance < bestDistance)
            {
                bestDistance = distance;
                best = k;
            }
        }
        return best;
    }

    /// <inheritdoc />
    public override float[,] Sample(float[] features, int count, int seed)
    {
        CheckCount(count);
        return Cells.Resample(NearestContext(features), count, seed);
    }

    /// <inheritdoc />
    public override float[] PredictMean(float[] features) => Cells.Mean(NearestContext(features));

    /// <summary>The peer as an ONNX graph (<see cref="NearestContextGraph"/>): Sample, PredictedMean and Shift.</summary>
    /// <param name="options">Input/output names, seed and layout; null for the defaults.</param>
    public override byte[] ExportOnnx(OnnxExportOptions? options = null) => PeerGraph.Export(this, options, g => NearestContextGraph.Build(g, this));
}
