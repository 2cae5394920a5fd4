using System.Diagnostics;
using Gim.MLNet.Data;
using Gim.MLNet.MLNet;
using Gim.MLNet.Onnx;
using Gim.MLNet.Prediction;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Gim.MLNet.Benchmarks.Performance;

/// <summary>
/// `inference [--variables 20 1000] [--rows 20000]`: samples per second of a saved ML.NET .zip (ONNX
/// inside, ML.NET's row-by-row Transform), of the same ONNX graph run by ONNX Runtime on a whole batch,
/// and of the in-process TorchSharp sampler (batched, and one row at a time).
/// </summary>
internal static class InferenceCommand
{
    public static int Run(string[] args)
    {
        int[] dims = Args.Ints(args, "--variables", new[] { 20, 1000 });
        int rows = Args.Int(args, "--rows", 20_000);
        Console.WriteLine($"{rows} predicted cells per measurement; samples per second (higher is better).");
        Console.WriteLine("| d | ML.NET .zip Transform | ONNX Runtime, one batch | TorchSharp, one batch | TorchSharp, row by row |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach (int d in dims)
        {
            PerturbationDataset data = ScaleData.Generate(d, contexts: 40, cells: 40 * 50, seed: 0);
            var mlContext = new MLContext(seed: 0);
            IDataView train = data.ToDataView(mlContext);
            using GimTransformer gim = mlContext.Perturbation().Trainers.Gim(new GimEstimator.Options { Seed = 0, Training = { MaxSteps = 50 } }).Fit(train);
            string zip = Path.Combine(Path.GetTempPath(), $"gim-inference-{d}-{Environment.ProcessId}.zip");
            mlContext.Model.SaveAtomically(gim, train.Schema, zip);
            float[] features = data.Contexts[1].Features;

            double zipRate = ZipTransform(zip, data, features, rows);
            double ortRate = OrtBatch(gim.Parameters, features, rows);
            double torchBatch = Rate(rows, () => gim.Model.Sample(features, rows, PredictionMode.Map, seed: 1));
            int perRowCount = Math.Min(rows, 2_000);
            double torchRows = Rate(perRowCount, () => { for (int i = 0; i < perRowCount; i++) gim.Model.Sample(features, 1, PredictionMode.Map, seed: i); });
            Console.WriteLine($"| {d} | {zipRate:N0} | {ortRate:N0} | {torchBatch:N0} | {torchRows:N0} |");
            File.Delete(zip);
        }
        return 0;
    }

    private static double ZipTransform(string zip, PerturbationDataset data, float[] features, int rows)
    {
        var serving = new MLContext(seed: 0);
        ITransformer loaded = serving.Model.Load(zip, out _);
        var query = new PerturbationContext("query", features, new float[rows, data.VariableCount]);
        IDataView input = new PerturbationDataset(new[] { query }, data.VariableNames, data.FeatureNames).ToDataView(serving);
        // Warm up ONNX Runtime's session, then time a full pass (reading the column is what runs the model).
        _ = loaded.Transform(input).GetColumn<float[]>("Sample").Take(100).Count();
        return Rate(rows, () => _ = loaded.Transform(input).GetColumn<float[]>("Sample").Count());
    }

    private static double OrtBatch(LinearGimParameters parameters, float[] features, int rows)
    {
        byte[] model = LinearGimOnnxExporter.Export(parameters, new GimOnnxExportOptions { FeaturesInputName = "features", Seed = 1 });
        using var session = new InferenceSession(model);
        var input = new DenseTensor<float>(new[] { rows, features.Length });
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < features.Length; j++)
                input[r, j] = features[j];
        var inputs = new[] { NamedOnnxValue.CreateFromTensor("features", input) };
        using (session.Run(inputs)) { }
        return Rate(rows, () => { using var _ = session.Run(inputs); });
    }

    private static double Rate(int count, Action action)
    {
        var clock = Stopwatch.StartNew();
        action();
        return count / clock.Elapsed.TotalSeconds;
    }
}
