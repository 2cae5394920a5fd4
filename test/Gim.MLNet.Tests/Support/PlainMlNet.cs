using Microsoft.ML;

namespace Gim.MLNet.Tests.Support;

/// <summary>
/// Plain ML.NET's <c>Model.Load</c>, what an app without this library calls, for the tests that check a saved file
/// loads without Gim.MLNet. ML.NET itself fails about one session in 32,768 (it names the temporary ONNX file at
/// random, and a ".ort" extension makes ONNX Runtime misread it; see <see cref="OrtFormatMisdetection"/>), which
/// failed a CI run once; that one symptom is retried, as <c>LoadModel</c> and the serving app do. Any other failure
/// propagates.
/// </summary>
internal static class PlainMlNet
{
    public static ITransformer Load(MLContext mlContext, string path, out DataViewSchema inputSchema)
    {
        DataViewSchema? schema = null;
        ITransformer model = OrtFormatMisdetection.RetryOnce(() => mlContext.Model.Load(path, out schema));
        inputSchema = schema!;
        return model;
    }

    public static ITransformer Load(MLContext mlContext, Stream stream, out DataViewSchema inputSchema)
    {
        long start = stream.Position;
        DataViewSchema? schema = null;
        ITransformer model = OrtFormatMisdetection.RetryOnce(() =>
        {
            stream.Position = start;
            return mlContext.Model.Load(stream, out schema);
        });
        inputSchema = schema!;
        return model;
    }
}
