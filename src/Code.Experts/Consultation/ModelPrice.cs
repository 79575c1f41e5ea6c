using Microsoft.Extensions.Configuration;

namespace Code.Experts.Consultation;

/// <summary>The price of one model, used to estimate a consultation's cost from its token usage.</summary>
public sealed class ModelPrice
{
    /// <summary>Gets or sets the price of one million input (prompt) tokens, in the host's currency.</summary>
    /// <value>The default value is 0.</value>
    [ConfigurationKeyName("input_per_million_tokens")]
    public decimal InputPerMillionTokens { get; set; }

    /// <summary>Gets or sets the price of one million output (completion) tokens, in the host's currency.</summary>
    /// <value>The default value is 0.</value>
    [ConfigurationKeyName("output_per_million_tokens")]
    public decimal OutputPerMillionTokens { get; set; }
}
