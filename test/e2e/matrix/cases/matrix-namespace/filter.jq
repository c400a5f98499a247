{policies: [.policies[] | (.namespace // "") + "/" + .name], pods: [.pods[] | .namespace + "/" + .name]}
