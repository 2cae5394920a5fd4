namespace Gim.MLNet.Data;

/// <summary>
/// Blocks of observed cells (original units) stored end to end, one block per context, for the peers that
/// predict by resampling real cells. A draw from block k is row offset[k] + ⌊u·count[k]⌋, u ~ U[0, 1):
/// the same rule the exported ONNX graphs use.
/// </summary>
internal sealed class CellTable
{
    public CellTable(IReadOnlyList<float[,]> blocks, int variables)
    {
        Variables = variables;
        Offsets = new long[blocks.Count];
        Counts = new int[blocks.Count];
        Means = new double[blocks.Count][];
        int total = blocks.Sum(b => b.GetLength(0));
        Cells = new float[total, variables];
        int row = 0;
        for (int k = 0; k < blocks.Count; k++)
        {
            float[,] block = blocks[k];
            Offsets[k] = row;
            Counts[k] = block.GetLength(0);
            Means[k] = new double[variables];
            for (int i = 0; i < Counts[k]; i++, row++)
                for (int j = 0; j < variables; j++)
                {
                    Cells[row, j] = block[i, j];
                    Means[k][j] += block[i, j] / (double)Counts[k];
                }
        }
    }

    public int Variables { get; }

    /// <summary>All cells, block after block.</summary>
    public float[,] Cells { get; }

    public long[] Offsets { get; }

    public int[] Counts { get; }

    /// <summary>Mean cell of each block (double precision).</summary>
    public double[][] Means { get; }

    public int BlockCount => Counts.Length;

    /// <summary><paramref name="count"/> cells drawn uniformly with replacement from block <paramref name="block"/>.</summary>
    public float[,] Resample(int block, int count, int seed)
    {
        var random = new Random(seed);
        var result = new float[count, Variables];
        for (int i = 0; i < count; i++)
        {
            long row = Offsets[block] + Math.Min((long)(random.NextDouble() * Counts[block]), Counts[block] - 1);
            for (int j = 0; j < Variables; j++) result[i, j] = Cells[row, j];
        }
        return result;
    }

    public float[] Mean(int block) => Means[block].Select(v => (float)v).ToArray();
}
