using System.Text.RegularExpressions;

namespace Gim.MLNet.Samples.Commands;

/// <summary>
/// The separator comes from the extension (.tsv: tab, else comma) and is never guessed; a header that holds no
/// separator but another one's character means the file is in another dialect, which the user can fix in a moment
/// once told, rather than puzzle over "the context column is not in the header".
/// </summary>
internal static partial class CsvDialect
{
    public static void Check(string path, char delimiter)
    {
        string? line = File.ReadLines(path).FirstOrDefault();
        if (line is null) return;
        string header = QuotedField().Replace(line, ""); // a quoted name may hold any character
        if (header.Contains(delimiter)) return;
        foreach (var (other, name) in new[] { (';', "';'"), ('\t', "tab"), (',', "','") })
            if (other != delimiter && header.Contains(other))
                throw new IOException(
                    $"--data '{path}': the header line has no {(delimiter == '\t' ? "tab" : "','")} but contains {name}, so the file looks {name}-separated. "
                    + "A .csv or .txt file is read as comma-separated; only a .tsv file is read as tab-separated. "
                    + (other == '\t' ? "Rename the file to .tsv." : other == ',' ? "Rename the file to .csv." : $"Convert the file to {(delimiter == '\t' ? "tabs" : "commas")}."));
    }

    [GeneratedRegex("\"[^\"]*\"")]
    private static partial Regex QuotedField();
}
