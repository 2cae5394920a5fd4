using Gim.MLNet.Data;

namespace Gim.MLNet.Benchmarks.Compare;

/// <summary>Predicts the control distribution whatever the features: what "no effect" scores.</summary>
internal sealed class ControlMethod : IBenchmarkMethod
{
    private float[,] _control = new float[0, 0];

    public string Name => "control";

    public double[,]? Graph => null;

    public void Fit(PerturbationDataset train)
    {
        var blocks = train.Controls.Select(c => c.Samples).ToList();
        int rows = blocks.Sum(b => b.GetLength(0)), d = train.VariableCount, r = 0;
        _control = new float[rows, d];
        foreach (float[,] block in blocks)
            for (int i = 0; i < block.GetLength(0); i++, r++)
                for (int j = 0; j < d; j++)
                    _control[r, j] = block[i, j];
    }

    public float[,] Sample(float[] features, int count, int seed)
    {
        var rng = new Random(seed);
        int d = _control.GetLength(1), n = _control.GetLength(0);
        var result = new float[count, d];
        for (int i = 0; i < count; i++)
        {
            int row = rng.Next(n);
            for (int j = 0; j < d; j++) result[i, j] = _control[row, j];
        }
        return result;
    }

    public double[]? TargetScores(float[] features) => null;

    public void Dispose() { }
}
