// Serves a saved ML.NET pipeline (e.g. one ending in a fitted GIM) with ML.NET and ONNX Runtime only.
//
//   dotnet Gim.MLNet.Serving.dll <model.zip> <input.csv | -> [--columns PredictedMean,Sample,...]
//
// The CSV has a header naming the pipeline's input columns; a vector input column of size k takes k
// consecutive CSV columns starting at the one named after it. Output: one CSV line per row with the
// requested output columns (vector slots expanded), numbers in round-trip format.
using System.Globalization;
using Gim.MLNet.Serving;
using Microsoft.ML;

if (args.Length < 2 || args[0] is "-h" or "--help")
{
    Console.Error.WriteLine("usage: Gim.MLNet.Serving <model.zip> <input.csv | -> [--columns A,B,...]");
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
