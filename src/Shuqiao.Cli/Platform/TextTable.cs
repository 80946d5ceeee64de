using System.Globalization;
using System.Text;

namespace Shuqiao.Cli;

/// <summary>A plain-text table whose columns line up in a terminal, Chinese (double-width) text included.</summary>
internal sealed class TextTable(params string[] headers)
{
    private readonly List<string[]> _rows = [];

    public int Count => _rows.Count;

    public TextTable Add(params string?[] cells)
    {
        _rows.Add(cells.Select(c => (c ?? "").ReplaceLineEndings(" ")).ToArray());
        return this;
    }

    public void WriteTo(TextWriter writer)
    {
        var widths = headers.Select((h, i) => Math.Max(Width(h), _rows.Select(r => i < r.Length ? Width(r[i]) : 0).DefaultIfEmpty(0).Max())).ToArray();
        writer.WriteLine(Line(headers, widths));
        writer.WriteLine(string.Join("  ", widths.Select(w => new string('-', w))));
        foreach (var row in _rows)
        {
            writer.WriteLine(Line(row, widths));
        }
    }

    private static string Line(string[] cells, int[] widths)
    {
        var line = new StringBuilder();
        for (var i = 0; i < widths.Length; i++)
        {
            var cell = i < cells.Length ? cells[i] : "";
            line.Append(cell).Append(' ', widths[i] - Width(cell) + (i == widths.Length - 1 ? 0 : 2));
        }

        return line.ToString().TrimEnd();
    }

    /// <summary>Terminal columns: East Asian wide characters (CJK, full-width forms) take two.</summary>
    public static int Width(string text)
    {
        var width = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            var v = rune.Value;
            var wide = v is >= 0x1100 and <= 0x115F or >= 0x2E80 and <= 0xA4CF or >= 0xAC00 and <= 0xD7A3
                or >= 0xF900 and <= 0xFAFF or >= 0xFE30 and <= 0xFE4F or >= 0xFF00 and <= 0xFF60 or >= 0xFFE0 and <= 0xFFE6
                or >= 0x20000 and <= 0x3FFFD;
            width += Rune.GetUnicodeCategory(rune) is UnicodeCategory.NonSpacingMark ? 0 : wide ? 2 : 1;
        }

        return width;
    }
}
