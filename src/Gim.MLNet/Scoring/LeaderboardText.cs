using System.Globalization;
using System.Text;

namespace Gim.MLNet.Scoring;

/// <summary>The text, CSV and Markdown renderings of a <see cref="Leaderboard"/>.</summary>
internal static class LeaderboardText
{
    private const string MethodHeader = "method", ErrorHeader = "error";

    public static string Table(Leaderboard board)
    {
        string[] header = Header(board);
        var cells = board.Rows.Select(r => Cells(board, r, Short, missing: "-", error: r => OneLine(r.Error ?? ""))).ToList();
        int[] widths = header.Select((h, c) => cells.Select(row => row[c].Length).Append(h.Length).Max()).ToArray();
        var text = new StringBuilder();
        void Line(string[] row)
        {
            var parts = row.Select((cell, c) =>
                c == 0 || c == row.Length - 1 ? cell.PadRight(widths[c]) : cell.PadLeft(widths[c]));
            text.Append(string.Join("  ", parts).TrimEnd()).Append('\n');
        }
        Line(header);
        text.Append(string.Join("  ", widths.Select(w => new string('-', w)))).Append('\n');
        foreach (string[] row in cells) Line(row);
        return text.ToString();
    }

    public static string Csv(Leaderboard board)
    {
        var text = new StringBuilder();
        text.Append(string.Join(",", Header(board).Select(CsvField))).Append('\n');
        foreach (LeaderboardRow row in board.Rows)
            text.Append(string.Join(",", Cells(board, row, v => v.ToString("R", CultureInfo.InvariantCulture), missing: "", error: r => r.Error ?? "").Select(CsvField))).Append('\n');
        return text.ToString();
    }

    public static string Markdown(Leaderboard board)
    {
        string[] header = Header(board);
        var text = new StringBuilder();
        text.Append("| ").Append(string.Join(" | ", header.Select(MarkdownCell))).Append(" |\n");
        text.Append('|').Append(string.Join("|", header.Select((_, c) => c == 0 || c == header.Length - 1 ? "---" : "---:"))).Append("|\n");
        foreach (LeaderboardRow row in board.Rows)
            text.Append("| ").Append(string.Join(" | ", Cells(board, row, Short, missing: "–", error: r => r.Error ?? "").Select(MarkdownCell))).Append(" |\n");
        return text.ToString();
    }

    private static string[] Header(Leaderboard board) =>
        board.Columns.Select(c => c.Name).Prepend(MethodHeader).Append(ErrorHeader).ToArray();

    private static string[] Cells(Leaderboard board, LeaderboardRow row, Func<double, string> format, string missing, Func<LeaderboardRow, string> error)
    {
        var cells = new List<string> { row.Method };
        foreach (LeaderboardColumn column in board.Columns)
        {
            string split = column.Split ?? "";
            cells.Add(row.HasValue(split, column.Metric) ? format(row.Value(split, column.Metric)) : missing);
        }
        cells.Add(error(row));
        return cells.ToArray();
    }

    private static string Short(double value) =>
        double.IsNaN(value) ? "NaN" : value.ToString("G4", CultureInfo.InvariantCulture);

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");

    private static string CsvField(string field) =>
        field.IndexOfAny(new[] { ',', '"', '\n', '\r' }) >= 0 ? "\"" + field.Replace("\"", "\"\"") + "\"" : field;

    private static string MarkdownCell(string cell) => OneLine(cell).Replace("|", "\\|");
}
