using static TorchSharp.torch;

namespace Gim.MLNet.Runtime;

/// <summary>Copies between tensors and .NET arrays (always via float32 on the CPU).</summary>
internal static class TensorArrays
{
    public static float[] ToVector(Tensor t) => t.detach().to(ScalarType.Float32).cpu().contiguous().data<float>().ToArray();

    public static float[,] ToMatrix(Tensor t)
    {
        long rows = t.shape[0], cols = t.shape[1];
        float[] flat = ToVector(t);
        var m = new float[rows, cols];
        Buffer.BlockCopy(flat, 0, m, 0, flat.Length * sizeof(float));
        return m;
    }

    /// <summary>Row <paramref name="r"/> of <paramref name="m"/>, copied.</summary>
    public static float[] Row(float[,] m, int r)
    {
        int cols = m.GetLength(1);
        var row = new float[cols];
        Buffer.BlockCopy(m, r * cols * sizeof(float), row, 0, cols * sizeof(float));
        return row;
    }

    public static Tensor FromMatrix(float[,] m, ScalarType dtype, Device device)
    {
        var flat = new float[m.Length];
        Buffer.BlockCopy(m, 0, flat, 0, flat.Length * sizeof(float));
        return tensor(flat, new long[] { m.GetLength(0), m.GetLength(1) }).to(dtype, device);
    }

    public static Tensor FromVector(float[] v, ScalarType dtype, Device device) =>
        tensor(v, new long[] { v.Length }).to(dtype, device);
}
