using System.Globalization;
using System.Text;

namespace Code.Deploy.Specs.Reading;

/// <summary>Durations as written in a spec: <c>30s</c>, <c>5m</c>, <c>1h30m</c>, <c>500ms</c>, <c>2d</c>, or a number of seconds.</summary>
internal static class DurationFormat
{
    public static bool TryParse(string text, out TimeSpan duration, out string problem)
    {
        duration = default;
        problem = string.Empty;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
        {
            if (!double.IsFinite(seconds) || seconds < 0)
            {
                problem = "must be a finite number of seconds, 0 or more";
                return false;
            }

            if (seconds > SpecLimits.MaxDuration.TotalSeconds)
            {
                problem = "is longer than " + Format(SpecLimits.MaxDuration);
                return false;
            }

            duration = TimeSpan.FromSeconds(seconds);
            return true;
        }

        if (text.Length is 0 or > 64)
        {
            problem = "expected a number followed by ms, s, m, h or d";
            return false;
        }

        var ticks = 0m;
        var i = 0;
        while (i < text.Length)
        {
            var start = i;
            while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.'))
            {
                i++;
            }

            if (i == start || !decimal.TryParse(text.AsSpan(start, i - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
            {
                problem = "expected a number followed by ms, s, m, h or d";
                return false;
            }

            var unitStart = i;
            while (i < text.Length && char.IsAsciiLetter(text[i]))
            {
                i++;
            }

            var unit = text[unitStart..i];
            decimal? scale = unit switch
            {
                "ms" => TimeSpan.TicksPerMillisecond,
                "s" => TimeSpan.TicksPerSecond,
                "m" => TimeSpan.TicksPerMinute,
                "h" => TimeSpan.TicksPerHour,
                "d" => TimeSpan.TicksPerDay,
                _ => null,
            };
            if (scale is null)
            {
                problem = unit.Length == 0 ? "a number needs a unit: ms, s, m, h or d" : $"'{unit}' is not a unit: use ms, s, m, h or d";
                return false;
            }

            ticks += amount * scale.Value;
            if (ticks > SpecLimits.MaxDuration.Ticks)
            {
                problem = "is longer than " + Format(SpecLimits.MaxDuration);
                return false;
            }
        }

        duration = TimeSpan.FromTicks((long)ticks);
        return true;
    }

    /// <summary>Formats a duration in the spec's notation, largest units first (<c>1h30m</c>, <c>45s</c>, <c>250ms</c>).</summary>
    public static string Format(TimeSpan duration)
    {
        if (duration == TimeSpan.Zero)
        {
            return "0s";
        }

        var builder = new StringBuilder();
        Append(builder, duration.Days, "d");
        Append(builder, duration.Hours, "h");
        Append(builder, duration.Minutes, "m");
        Append(builder, duration.Seconds, "s");
        Append(builder, duration.Milliseconds, "ms");
        return builder.Length == 0 ? "0s" : builder.ToString();
    }

    private static void Append(StringBuilder builder, int amount, string unit)
    {
        if (amount > 0)
        {
            builder.Append(amount.ToString(CultureInfo.InvariantCulture)).Append(unit);
        }
    }
}
