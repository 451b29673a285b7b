/**
 * Classes that break the layering rules on purpose, laid out like the real modules under this
 * package: {@code ArchitectureTest.RulesCatchViolations} runs each rule against them and expects it
 * to fail, so no rule passes only because it checks nothing. Never used at run time.
 */
package com.interviewroom.architecture.violations;
