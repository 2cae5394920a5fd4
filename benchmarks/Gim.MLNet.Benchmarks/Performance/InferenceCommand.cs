using System.Diagnostics;
using Gim.MLNet.Causal;
using Gim.MLNet.Data;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Gim.MLNet.Benchmarks.Performance;

/// <summary>
/// `inference [--variables 20 1000] [--rows 20000]`: samples per second of a saved ML.NET .zip (ONNX inside)
/// loaded with <c>LoadModel</c> (batched Transform) and with plain <c>Model.Load</c> (ML.NET's row-by-row
/// Transform), of the same ONNX graph run by ONNX Runtime on one whole batch, and of the in-process TorchSharp
/// sampler (batched, and one row at a time).
/// </summary>
internal static class InferenceCommand
{
    public static int Run(string[] args)
    {
        int[] dims = Args.Ints(args, "--variables", new[] { 20, 1000 });
        int rows = Args.Int(args, "--rows", 20_000);
        Console.WriteLine($"{rows} predicted cells per measurement; samples per second (higher is better).");
        Console.WriteLine("| d | .zip via LoadModel (batched), cursor | same, GetColumn<float[]> | .zip via Model.Load (row by row), cursor | ONNX Runtime, one call | TorchSharp, one batch | TorchSharp, row by row | batched cursor ÷ TorchSharp batch | GetColumn ÷ TorchSharp batch |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
        foreach (int d in dims)
        {
            PerturbationDataset data = ScaleData.Generate(d, contexts: 40, cells: 40 * 50, seed: 0);
            var mlContext = new MLContext(seed: 0);
            IDataView train = data.ToDataView(mlContext);
            using GimTransformer gim = mlContext.Perturbation().Trainers.Gim(new GimOptions { Seed = 0, MaxSteps = 50 }).Fit(train);
            string zip = Path.Combine(Path.GetTempPath(), $"gim-inference-{d}-{Environment.ProcessId}.zip");
            mlContext.Model.SaveAtomically(gim, train.Schema, zip);
            float[] features = data.Contexts[1].Features;

            double batchedZip = ZipTransform(zip, features, rows, batched: true, getColumn: false);
            double batchedGetColumn = ZipTransform(zip, features, rows, batched: true, getColumn: true);
            double rowByRowZip = ZipTransform(zip, features, rows, batched: false, getColumn: false);
            double ortRate = OrtBatch(gim.Parameters, features, rows);
            double torchBatch = Rate(rows, () => gim.Model.Sample(features, rows, PredictionMode.Map, seed: 1));
            // One TorchSharp call per row costs ~8 ms at d = 1,000; a few hundred rows measure it well enough.
            int perRowCount = Math.Min(rows, d >= 500 ? 200 : 2_000);
            double torchRows = Rate(perRowCount, () => { for (int i = 0; i < perRowCount; i++) gim.Model.Sample(features, 1, PredictionMode.Map, seed: i); });
            Console.WriteLine($"| {d} | {batchedZip:N0} | {batchedGetColumn:N0} | {rowByRowZip:N0} | {ortRate:N0} | {torchBatch:N0} | {torchRows:N0} | {batchedZip / torchBatch:F2} | {batchedGetColumn / torchBatch:F2} |");
            File.Delete(zip);
        }
        return 0;
    }

    /// <summary>
    /// Samples per second of Transform on a loaded .zip over <paramref name="rows"/> query rows (only the features
    /// column, as a serving app has), read through a cursor's getter or through GetColumn (which adds ML.NET's
    /// conversion of every row to a new float[]).
    /// </summary>
    private static double ZipTransform(string zip, float[] features, int rows, bool batched, bool getColumn)
    {
        var serving = new MLContext(seed: 0);
        ITransformer loaded = batched ? serving.Model.LoadModel(zip, out _) : serving.Model.Load(zip, out _);
        using var release = loaded as IDisposable;
        var schema = SchemaDefinition.Create(typeof(Query));
        schema[nameof(Query.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, features.Length);
        IDataView input = serving.Data.LoadFromEnumerable(Enumerable.Range(0, rows).Select(_ => new Query { Features = features }).ToList(), schema);
        // Warm up ONNX Runtime's session, then time full passes (reading the column is what runs the model).
        _ = loaded.Transform(input).GetColumn<float[]>("Sample").Take(100).Count();
        return Rate(rows, () =>
        {
            IDataView predicted = loaded.Transform(input);
            if (getColumn)
            {
                _ = predicted.GetColumn<float[]>("Sample").Count();
                return;
            }
            DataViewSchema.Column sample = predicted.Schema["Sample"];
            using DataViewRowCursor cursor = predicted.GetRowCursor(new[] { sample });
            ValueGetter<VBuffer<float>> getter = cursor.GetGetter<VBuffer<float>>(sample);
            VBuffer<float> value = default;
            while (cursor.MoveNext()) getter(ref value);
        });
    }

    private sealed class Query
    {
        public float[] Features { get; set; } = [];
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
        string[] sampleOnly = { "Sample" };
        using (session.Run(inputs, sampleOnly)) { }
        return Rate(rows, () => { using var _ = session.Run(inputs, sampleOnly); });
    }

    /// <summary>
    /// Items per second of the fastest of five runs: on a shared 2-core machine the slower runs measure the neighbours
    /// (the first run also warms the method up).
    /// </summary>
    private static double Rate(int count, Action action)
    {
        double best = double.MaxValue;
        for (int run = 0; run < 5; run++)
        {
            var clock = Stopwatch.StartNew();
            action();
            best = Math.Min(best, clock.Elapsed.TotalSeconds);
        }
        return count / best;
    }
}
