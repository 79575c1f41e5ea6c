using Code.Learning.Supervised;

namespace Code.Learning.Risk;

/// <summary>Creates stand-alone deployment risk models (with DI, resolve <see cref="IDeploymentRiskModel"/>, which the learning loop trains and checkpoints).</summary>
public static class DeploymentRiskModels
{
    /// <summary>Creates an untrained risk model.</summary>
    /// <param name="options">The FTRL hyper-parameters; defaults when <see langword="null"/>.</param>
    /// <returns>The model.</returns>
    public static IDeploymentRiskModel Create(FtrlOptions? options = null) => new DeploymentRiskModel(new FtrlLogisticRegression(options));
}
