package com.interviewroom.sandbox;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Request bodies the tests send, built the way the edge API will build them. */
final class Requests {
  private Requests() {}

  static JsonObject program(String language, String code) {
    return new JsonObject().put("language", language).put("code", code).put("mode", "run");
  }

  static JsonObject function(String language, String code, JsonObject problem) {
    return new JsonObject()
        .put("language", language)
        .put("code", code)
        .put("mode", "submit")
        .put("problem", problem);
  }

  /** twoSum with two examples and three hidden tests. */
  static JsonObject twoSum() {
    return new JsonObject()
        .put(
            "function",
            new JsonObject()
                .put("name", "twoSum")
                .put(
                    "params",
                    new JsonArray()
                        .add(new JsonObject().put("name", "nums").put("type", "int[]"))
                        .add(new JsonObject().put("name", "target").put("type", "int")))
                .put("returns", "int[]"))
        .put("compare", "unordered")
        .put(
            "tests",
            new JsonArray()
                .add(
                    test(
                        "e1",
                        new JsonObject().put("nums", new JsonArray("[2,7,11,15]")).put("target", 9),
                        new JsonArray("[0,1]"),
                        false))
                .add(
                    test(
                        "e2",
                        new JsonObject().put("nums", new JsonArray("[3,2,4]")).put("target", 6),
                        new JsonArray("[1,2]"),
                        false))
                .add(
                    test(
                        "h1",
                        new JsonObject().put("nums", new JsonArray("[3,3]")).put("target", 6),
                        new JsonArray("[0,1]"),
                        true))
                .add(
                    test(
                        "h2",
                        new JsonObject()
                            .put("nums", new JsonArray("[-1,-2,-3,-4,-5]"))
                            .put("target", -8),
                        new JsonArray("[2,4]"),
                        true))
                .add(
                    test(
                        "h3",
                        new JsonObject()
                            .put("nums", new JsonArray("[1000000000,5,999999999]"))
                            .put("target", 1999999999),
                        new JsonArray("[0,2]"),
                        true)));
  }

  static JsonObject test(String id, JsonObject input, Object expected, boolean hidden) {
    return new JsonObject()
        .put("id", id)
        .put("input", input)
        .put("expected", expected)
        .put("hidden", hidden);
  }

  static final String PY_TWO_SUM =
      """
      class Solution:
          def twoSum(self, nums: List[int], target: int) -> List[int]:
              seen = {}
              for i, n in enumerate(nums):
                  if target - n in seen:
                      return [seen[target - n], i]
                  seen[n] = i
              return []
      """;
  static final String JS_TWO_SUM =
      """
      function twoSum(nums, target) {
        const seen = new Map();
        for (let i = 0; i < nums.length; i++) {
          if (seen.has(target - nums[i])) return [seen.get(target - nums[i]), i];
          seen.set(nums[i], i);
        }
        return [];
      }
      """;
  static final String JAVA_TWO_SUM =
      """
      class Solution {
        public int[] twoSum(int[] nums, int target) {
          Map<Integer, Integer> seen = new HashMap<>();
          for (int i = 0; i < nums.length; i++) {
            if (seen.containsKey(target - nums[i])) return new int[] {seen.get(target - nums[i]), i};
            seen.put(nums[i], i);
          }
          return new int[0];
        }
      }
      """;
}
