using PureHDF;
using PureHDF.Selections;

namespace Gim.MLNet.Data.AnnData;

/// <summary>
/// Reads X or a layer (dense, CSR or CSC) into a dense float32 matrix of the selected cells and
/// variables only. It streams the file in bounded hyperslabs, so temporary memory stays at
/// <see cref="AnnDataReadOptions.ChunkElements"/> whatever the matrix size, and the dense result
/// is sized by the selection, never by the file.
/// </summary>
internal static class H5adMatrixReader
{
    /// <summary>The matrix's storage, without reading it: "dense", "csr_matrix" or "csc_matrix".</summary>
    public static string Encoding(H5adFile file, string key, int obsCount, int varCount)
    {
        IH5Object element = file.Get(key);
        string? encoding = file.Encoding(element, key);
        if (element is IH5Dataset dataset)
        {
            if (encoding is not (null or "array"))
                throw Unsupported(file, key, encoding);
            ulong[] dims = file.Guard(key, () => dataset.Space.Dimensions);
            if (dims.Length != 2 || dims[0] != (ulong)obsCount || dims[1] != (ulong)varCount)
                throw new DataFileException(file.Source, key, null,
                    $"has shape ({string.Join(", ", dims)}); expected ({obsCount}, {varCount}) = (cells in obs, variables in var).");
            return "dense";
        }
        if (encoding is not ("csr_matrix" or "csc_matrix"))
            throw Unsupported(file, key, encoding);
        long[] shape = file.IntegerArrayAttribute(element, key, "shape");
        if (shape.Length != 2 || shape[0] != obsCount || shape[1] != varCount)
            throw new DataFileException(file.Source, key, null,
                $"has shape attribute ({string.Join(", ", shape)}); expected ({obsCount}, {varCount}) = (cells in obs, variables in var).");
        return encoding;
    }

    private static DataFileException Unsupported(H5adFile file, string key, string? encoding) =>
        new(file.Source, key, null,
            $"has encoding '{encoding ?? "(none)"}', which this reader does not support as a matrix (supported: a dense 'array', 'csr_matrix', 'csc_matrix').");

    /// <summary>
    /// Reads the selected cells (<paramref name="rows"/>: strictly increasing file positions) and
    /// variables (<paramref name="columns"/>: file positions in output order) as dense float32.
    /// </summary>
    public static float[,] Read(H5adFile file, string key, string encoding, int obsCount, int varCount, int[] rows, int[] columns, int chunk)
    {
        var result = new float[rows.Length, columns.Length];
        if (rows.Length == 0 || columns.Length == 0) return result;
        if (encoding == "dense")
        {
            ReadDense(file, key, varCount, rows, columns, chunk, result);
            return result;
        }
        IH5Group group = file.Group(key);
        int[] rowTarget = Targets(rows, obsCount), columnTarget = Targets(columns, varCount);
        if (encoding == "csr_matrix")
            ReadCompressed(file, key, group, obsCount, rowTarget, varCount, columnTarget, chunk, (major, minor, v) => result[major, minor] += v);
        else
            ReadCompressed(file, key, group, varCount, columnTarget, obsCount, rowTarget, chunk, (major, minor, v) => result[minor, major] += v);
        return result;
    }

    /// <summary>Maps file positions to output positions (−1: not selected).</summary>
    private static int[] Targets(int[] selected, int count)
    {
        var target = new int[count];
        Array.Fill(target, -1);
        for (int i = 0; i < selected.Length; i++) target[selected[i]] = i;
        return target;
    }

    private static void ReadDense(H5adFile file, string key, int varCount, int[] rows, int[] columns, int chunk, float[,] result)
    {
        IH5Dataset dataset = file.Dataset(key);
        int blockRows = Math.Max(1, chunk / Math.Max(1, varCount));
        int i = 0;
        while (i < rows.Length)
        {
            // One hyperslab of whole rows from the next selected row on; unselected rows inside it are skipped.
            int start = rows[i];
            int count = Math.Min(blockRows, rows[^1] - start + 1);
            var selection = new HyperslabSelection(2, new[] { (ulong)start, 0UL }, new[] { (ulong)count, (ulong)varCount });
            float[] block = H5Numeric.ReadFloats(file, key, new H5Numeric.DatasetSource(dataset, selection));
            if (block.Length != (long)count * varCount)
                throw new DataFileException(file.Source, key, null, $"returned {block.Length} values for {count} rows × {varCount} columns; the file is corrupt.");
            for (; i < rows.Length && rows[i] < start + count; i++)
            {
                int offset = (rows[i] - start) * varCount;
                for (int c = 0; c < columns.Length; c++)
                    result[i, c] = block[offset + columns[c]];
            }
        }
    }

    /// <summary>
    /// CSR (major = cell) and CSC (major = variable) alike: for each run of consecutive selected
    /// majors, stream its slice of indices and data and scatter the selected minors. Duplicate
    /// entries add up, as scipy's toarray() does.
    /// </summary>
    private static void ReadCompressed(H5adFile file, string key, IH5Group group, int majorCount, int[] majorTarget,
        int minorCount, int[] minorTarget, int chunk, Action<int, int, float> add)
    {
        string dataKey = key + "/data", indicesKey = key + "/indices", indptrKey = key + "/indptr";
        IH5Dataset data = file.Dataset(dataKey), indices = file.Dataset(indicesKey), indptrSet = file.Dataset(indptrKey);
        file.CheckSize(indptrKey, indptrSet, majorCount + 1);
        long[] indptr = H5Numeric.ReadLongs(file, indptrKey, new H5Numeric.DatasetSource(indptrSet));
        long nnz = ValidateIndptr(file, indptrKey, indptr, majorCount);
        long dataLength = Length(file, dataKey, data), indicesLength = Length(file, indicesKey, indices);
        if (dataLength < nnz || indicesLength < nnz)
            throw new DataFileException(file.Source, key, null,
                $"indptr ends at {nnz} but data has {dataLength} and indices {indicesLength} entries; the file is corrupt.");

        int major = 0;
        while (major < majorCount)
        {
            if (majorTarget[major] < 0) { major++; continue; }
            int runEnd = major;
            while (runEnd < majorCount && majorTarget[runEnd] >= 0) runEnd++;
            int current = major;
            for (long start = indptr[major]; start < indptr[runEnd]; start += chunk)
            {
                long end = Math.Min(indptr[runEnd], start + chunk);
                var selection = new HyperslabSelection((ulong)start, (ulong)(end - start));
                long[] minors = H5Numeric.ReadLongs(file, indicesKey, new H5Numeric.DatasetSource(indices, selection));
                float[] values = H5Numeric.ReadFloats(file, dataKey, new H5Numeric.DatasetSource(data, selection));
                if (minors.Length != end - start || values.Length != end - start)
                    throw new DataFileException(file.Source, key, null, $"returned a short slice at entries {start}..{end}; the file is corrupt.");
                for (long k = start; k < end; k++)
                {
                    while (indptr[current + 1] <= k) current++;
                    long minor = minors[k - start];
                    if (minor < 0 || minor >= minorCount)
                        throw new DataFileException(file.Source, indicesKey, null,
                            $"entry {k} is {minor}, outside 0..{minorCount - 1}; the file is corrupt.");
                    int target = minorTarget[minor];
                    if (target >= 0) add(majorTarget[current], target, values[k - start]);
                }
            }
            major = runEnd;
        }
    }

    private static long ValidateIndptr(H5adFile file, string key, long[] indptr, int majorCount)
    {
        if (indptr.Length != majorCount + 1)
            throw new DataFileException(file.Source, key, null, $"has {indptr.Length} entries; expected {majorCount + 1}.");
        if (indptr[0] != 0)
            throw new DataFileException(file.Source, key, null, $"starts at {indptr[0]}; expected 0.");
        for (int i = 1; i < indptr.Length; i++)
            if (indptr[i] < indptr[i - 1])
                throw new DataFileException(file.Source, key, null, $"decreases at position {i} ({indptr[i - 1]} then {indptr[i]}); the file is corrupt.");
        return indptr[^1];
    }

    private static long Length(H5adFile file, string key, IH5Dataset dataset)
    {
        ulong[] dims = file.Guard(key, () => dataset.Space.Dimensions);
        if (dims.Length != 1) throw new DataFileException(file.Source, key, null, $"has {dims.Length} dimensions; expected 1.");
        return (long)dims[0];
    }

    /// <summary>
    /// Consecutive rows of a CSR matrix, read range by range with indptr read and checked once (what streaming needs: a
    /// range costs its own entries, not a pass over every row as <see cref="Read"/>'s general selection does).
    /// </summary>
    internal sealed class CsrRows
    {
        private readonly H5adFile _file;
        private readonly string _key;
        private readonly IH5Dataset _data, _indices;
        private readonly long[] _indptr;
        private readonly int _varCount;

        public CsrRows(H5adFile file, string key, int obsCount, int varCount)
        {
            (_file, _key, _varCount) = (file, key, varCount);
            string dataKey = key + "/data", indicesKey = key + "/indices", indptrKey = key + "/indptr";
            _data = file.Dataset(dataKey);
            _indices = file.Dataset(indicesKey);
            IH5Dataset indptr = file.Dataset(indptrKey);
            file.CheckSize(indptrKey, indptr, obsCount + 1);
            _indptr = H5Numeric.ReadLongs(file, indptrKey, new H5Numeric.DatasetSource(indptr));
            long nnz = ValidateIndptr(file, indptrKey, _indptr, obsCount);
            if (Length(file, dataKey, _data) < nnz || Length(file, indicesKey, _indices) < nnz)
                throw new DataFileException(file.Source, key, null, $"indptr ends at {nnz} but data or indices have fewer entries; the file is corrupt.");
        }

        /// <summary>Rows [<paramref name="start"/>, start + count) at the columns <paramref name="target"/> maps (file position → output position, −1: not read).</summary>
        public float[,] Read(int start, int count, int[] target, int width, int chunk)
        {
            var result = new float[count, width];
            int row = start;
            long end = _indptr[start + count];
            for (long from = _indptr[start]; from < end; from += chunk)
            {
                long to = Math.Min(end, from + chunk);
                var selection = new HyperslabSelection((ulong)from, (ulong)(to - from));
                long[] minors = H5Numeric.ReadLongs(_file, _key + "/indices", new H5Numeric.DatasetSource(_indices, selection));
                float[] values = H5Numeric.ReadFloats(_file, _key + "/data", new H5Numeric.DatasetSource(_data, selection));
                if (minors.Length != to - from || values.Length != to - from)
                    throw new DataFileException(_file.Source, _key, null, $"returned a short slice at entries {from}..{to}; the file is corrupt.");
                for (long k = from; k < to; k++)
                {
                    while (_indptr[row + 1] <= k) row++;
                    long minor = minors[k - from];
                    if (minor < 0 || minor >= _varCount)
                        throw new DataFileException(_file.Source, _key + "/indices", null, $"entry {k} is {minor}, outside 0..{_varCount - 1}; the file is corrupt.");
                    int column = target[minor];
                    if (column >= 0) result[row - start, column] += values[k - from];
                }
            }
            return result;
        }
    }
}
