using System.Globalization;
using System.Text;
using Gim.MLNet.Runtime;
using Gim.MLNet.Samples.Console;

namespace Gim.MLNet.Samples.Commands;

/// <summary>The learned graph B as CSV (row = cause, column = effect), as `fit` and `explain` write it.</summary>
internal static class GraphCsv
{
    public static void Write(string path, double[,] b, IReadOnlyList<string> names)
    {
        var sb = new StringBuilder("cause\\effect," + CsvField.Join(names) + "\n");
        for (int i = 0; i < b.GetLength(0); i++)
        {
            sb.Append(CsvField.Quote(names[i]));
            for (int j = 0; j < b.GetLength(1); j++) sb.Append(',').Append(b[i, j].ToString("R", CultureInfo.InvariantCulture));
            sb.Append('\n');
        }
        AtomicFile.WriteAllText(path, sb.ToString());
    }
}
