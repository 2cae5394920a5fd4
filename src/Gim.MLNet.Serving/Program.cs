// Serves a saved ML.NET pipeline (one ending in a fitted GIM or peer) with ML.NET, ONNX Runtime and ASP.NET Core only.
//
//   dotnet Gim.MLNet.Serving.dll --model gim-pipeline.zip [--urls http://127.0.0.1:5000] [--MaxRows 1000] ...
//       POST /predict, GET /model, GET /health (Web/ServingApp.cs; docs/serving.md)
//   dotnet Gim.MLNet.Serving.dll score <model.zip> <input.csv | -> [--columns PredictedMean,Sample,...]
//       one CSV in, one CSV out (Csv/): a header naming the pipeline's input columns; a vector input column of size k
//       takes k consecutive CSV columns starting at the one named after it; numbers in round-trip format.
using System.Globalization;
using Gim.MLNet.Serving;
using Gim.MLNet.Serving.Web;
using Microsoft.ML;

if (args is ["-h" or "--help", ..])
{
    Console.Error.WriteLine("usage: Gim.MLNet.Serving --model <pipeline.zip> [--urls http://127.0.0.1:5000] [--MaxRows N] [--MaxSamples N] [--MaxPredictedCells N] [--MaxRequestBytes N]");
    Console.Error.WriteLine("       Gim.MLNet.Serving score <model.zip> <input.csv | -> [--columns A,B,...]");
    return 2;
}
if (args is ["score", ..]) return Score(args[1..]);
if (args is [var first, ..] && !first.StartsWith('-') && first.EndsWith(".zip", StringComparison.OrdinalIgnoreCase))
{
    // 0.2.0's console took the model first: say what it is now rather than "no model".
    Console.Error.WriteLine($"error: '{first}' as the first argument: serve it with `--model {first}`, or score a CSV with `score {first} <input.csv>`.");
    return 2;
}

try
{
    using WebApplication app = ServingApp.Build(args);
    app.Run();
    return 0;
}
catch (ServingStartupException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}

static int Score(string[] args)
{
    if (args.Length < 2)
    {
        Console.Error.WriteLine("usage: Gim.MLNet.Serving score <model.zip> <input.csv | -> [--columns A,B,...]");
        return 2;
    }
    string modelPath = args[0], inputPath = args[1];
    string[] outputs = { "PredictedMean", "Sample", "TargetProbabilities", "Shift" };
    for (int i = 2; i < args.Length; i++)
        if (args[i] == "--columns" && i + 1 < args.Length) outputs = args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries);
    try
    {
        var mlContext = new MLContext();
        ITransformer model = ModelFile.Load(mlContext, modelPath, out DataViewSchema inputSchema);
        // Disposing releases the ONNX Runtime session and deletes the temporary graph file ML.NET wrote.
        using var modelLifetime = model as IDisposable;
        string csv = inputPath == "-" ? Console.In.ReadToEnd() : File.ReadAllText(inputPath);
        IDataView input = CsvInput.Load(mlContext, inputSchema, csv, inputPath == "-" ? "standard input" : inputPath);
        IDataView predictions = model.Transform(input);
        CsvOutput.Write(predictions, outputs, Console.Out, CultureInfo.InvariantCulture);
        return 0;
    }
    catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException or InvalidOperationException or FormatException or UnauthorizedAccessException)
    {
        Console.Error.WriteLine($"error: {e.Message}");
        return 1;
    }
}

/// <summary>The entry point, public so that tests can host the service in process (WebApplicationFactory).</summary>
public partial class Program;
