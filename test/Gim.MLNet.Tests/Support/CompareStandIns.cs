using Microsoft.ML;

namespace Gim.MLNet.Tests.Support;

/// <summary>Estimators that stand in for peers in Compare tests, using nothing but ML.NET.</summary>
internal static class StandIns
{
    /// <summary>Copies the observed cells into Sample: the perfect predictor on data that has the measurements.</summary>
    public static IEstimator<ITransformer> Oracle(MLContext mlContext) =>
        mlContext.Transforms.CopyColumns("Sample", "Measurements");

    /// <summary>Fits fine, but its Sample has the features' size, so every split fails to evaluate.</summary>
    public static IEstimator<ITransformer> WrongSize(MLContext mlContext) =>
        mlContext.Transforms.CopyColumns("Sample", "Features");

    /// <summary>An estimator whose Fit always throws, with a message that CSV and Markdown must escape.</summary>
    public sealed class Throwing : IEstimator<ITransformer>
    {
        public const string Message = "deliberate failure | with, a comma and \"quotes\"\nand a second line";

        public ITransformer Fit(IDataView input) => throw new InvalidOperationException(Message);

        public SchemaShape GetOutputSchema(SchemaShape inputSchema) => inputSchema;
    }

    /// <summary>Records progress synchronously (Progress&lt;T&gt; would post to the thread pool).</summary>
    public sealed class Recorder<T> : IProgress<T>
    {
        private readonly Action<T>? _onReport;

        public Recorder(Action<T>? onReport = null) => _onReport = onReport;

        public List<T> Reports { get; } = new();

        public void Report(T value)
        {
            Reports.Add(value);
            _onReport?.Invoke(value);
        }
    }
}
