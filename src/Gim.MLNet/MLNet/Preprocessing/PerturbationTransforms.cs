using Microsoft.ML;

namespace Gim.MLNet;

/// <summary>Preprocessing estimators for perturbation data (<c>mlContext.Perturbation().Transforms</c>).</summary>
public sealed class PerturbationTransforms
{
    private readonly MLContext _mlContext;

    internal PerturbationTransforms(MLContext mlContext) => _mlContext = mlContext;

    /// <summary>
    /// Scales each cell's counts to a total of <paramref name="targetSum"/> and takes log1p (scanpy's normalize_total then
    /// log1p), as an ONNX step: put it before a trainer whose measurements column is <paramref name="outputColumnName"/>.
    /// </summary>
    /// <param name="outputColumnName">The log-normalised column (must differ from the counts column).</param>
    /// <param name="inputColumnName">The counts: a known-size vector of Single. Default "Measurements".</param>
    /// <param name="targetSum">Every cell's total after scaling. Default 10⁴.</param>
    public NormalizeTotalLog1pEstimator NormalizeTotalLog1p(string outputColumnName, string inputColumnName = "Measurements", float targetSum = 1e4f) =>
        new(_mlContext, outputColumnName, inputColumnName, targetSum);

    /// <summary>
    /// Keeps the <paramref name="count"/> most variable genes of log-normalised counts (Seurat-flavour dispersion
    /// ranking within <paramref name="bins"/> bins of mean expression), as an ONNX step; put it after
    /// <see cref="NormalizeTotalLog1p"/> and point the trainer's measurements column at <paramref name="outputColumnName"/>.
    /// </summary>
    /// <param name="outputColumnName">The kept genes' column (must differ from the input).</param>
    /// <param name="inputColumnName">Log-normalised expression: a known-size vector of Single, values ≥ 0.</param>
    /// <param name="count">Genes to keep (all when there are fewer). Default 2000.</param>
    /// <param name="bins">Equal-width bins of log1p(mean) within which dispersions are z-scored. Default 20.</param>
    public HighlyVariableGenesEstimator SelectHighlyVariableGenes(string outputColumnName, string inputColumnName, int count = 2000, int bins = 20) =>
        new(_mlContext, outputColumnName, inputColumnName, count, bins);
}
