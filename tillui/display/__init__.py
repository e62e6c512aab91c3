"""Words and numbers as the cashier reads them: error explanations, amounts, local times."""
