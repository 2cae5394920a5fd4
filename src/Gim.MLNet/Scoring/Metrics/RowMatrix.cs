namespace Gim.MLNet.Scoring;

/// <summary>
/// A validated, row-major double copy of a <c>float[,]</c> sample matrix. Copying once costs
/// O(n·d) memory but lets every pairwise loop run over contiguous doubles (SIMD-friendly) instead of
/// re-indexing a 2-D float array and converting on every access.
/// </summary>
internal sealed class RowMatrix
{
    private RowMatrix(double[] data, int rows, int columns)
    {
        Data = data;
        Rows = rows;
        Columns = columns;
    }

    public double[] Data { get; }

    public int Rows { get; }

    public int Columns { get; }

    public ReadOnlySpan<double> Row(int i) => new(Data, i * Columns, Columns);

    /// <summary>Copies and validates: at least one row and one column, every entry finite.</summary>
    public static RowMatrix From(float[,] samples, string paramName)
    {
        ArgumentNullException.ThrowIfNull(samples, paramName);
        int rows = samples.GetLength(0);
        int columns = samples.GetLength(1);
        if (rows == 0) throw new ArgumentException($"The sample set '{paramName}' is empty (0 rows).", paramName);
        if (columns == 0) throw new ArgumentException($"The sample set '{paramName}' has 0 columns.", paramName);
        var data = new double[rows * columns];
        int k = 0;
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < columns; j++)
            {
                float v = samples[i, j];
                if (!float.IsFinite(v))
                    throw new ArgumentException($"'{paramName}'[{i}, {j}] is {v}; samples must be finite.", paramName);
                data[k++] = v;
            }
        }
        return new RowMatrix(data, rows, columns);
    }

    /// <summary>Converts both sample sets and checks they describe the same variables.</summary>
    public static (RowMatrix P, RowMatrix Q) Pair(float[,] p, float[,] q, string pName = "p", string qName = "q")
    {
        var x = From(p, pName);
        var y = From(q, qName);
        if (x.Columns != y.Columns)
            throw new ArgumentException(
                $"'{pName}' has {x.Columns} columns but '{qName}' has {y.Columns}; both sample sets must describe the same variables.",
                qName);
        return (x, y);
    }

    /// <summary>Stacks two matrices with equal column counts (the pooled sample).</summary>
    public static RowMatrix Concat(RowMatrix a, RowMatrix b)
    {
        var data = new double[a.Data.Length + b.Data.Length];
        Array.Copy(a.Data, data, a.Data.Length);
        Array.Copy(b.Data, 0, data, a.Data.Length, b.Data.Length);
        return new RowMatrix(data, a.Rows + b.Rows, a.Columns);
    }
}
