using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Gim.MLNet.Tests.Support;

/// <summary>Runs an exported graph directly with ONNX Runtime (no ML.NET), returning every output as rows.</summary>
internal sealed class OnnxRunner : IDisposable
{
    private readonly InferenceSession _session;

    public OnnxRunner(byte[] model) => _session = new InferenceSession(model);

    public Dictionary<string, float[,]> Run(params (string Name, float[][] Rows)[] inputs)
    {
        var values = inputs.Select(i =>
        {
            int n = i.Rows.Length, w = i.Rows[0].Length;
            var tensor = new DenseTensor<float>(i.Rows.SelectMany(r => r).ToArray(), new[] { n, w });
            return NamedOnnxValue.CreateFromTensor(i.Name, tensor);
        }).ToList();
        using var results = _session.Run(values);
        var output = new Dictionary<string, float[,]>();
        foreach (var r in results)
        {
            var t = r.AsTensor<float>();
            var m = new float[t.Dimensions[0], t.Dimensions[1]];
            for (int i = 0; i < t.Dimensions[0]; i++)
                for (int j = 0; j < t.Dimensions[1]; j++)
                    m[i, j] = t[i, j];
            output[r.Name] = m;
        }
        return output;
    }

    public void Dispose() => _session.Dispose();
}
