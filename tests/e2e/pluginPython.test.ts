// The provider plugin from a Python program through the generated SDK (tests/e2e/pythonProject.ts:
// the wheel in the program's venv, the offline Python host, PyPI pulumi): the life of
// tests/e2e/pluginLife.ts against the sandbox.
import { describePluginLife, sandboxLifeProgram } from "./pluginLife";
import { makePythonProject, pythonProgram } from "./pythonProject";

describePluginLife("Python", (context, binDir) =>
  makePythonProject(
    context,
    binDir,
    "e2e plugin (Python)",
    pythonProgram(sandboxLifeProgram("python")),
  ),
);
